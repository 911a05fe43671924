#!/usr/bin/env python3
"""Per-function profile of one program invocation from a LiteSVM register trace.

Usage: cu-profile.py <program.so> <symbols.o> <trace-dir> <program-id> [top]
  program.so   the deployed binary the trace was taken from
  symbols.o    the same code assembled with its symbols (llvm-mc of `sbpf-linker --emit=asm`
               on the stage-2 module kept by IRFIX_KEEP; scripts/cu-profile.sh makes it)
  trace-dir    SBF_TRACE_DIR of the run (`*.regs`: r0..r10 + pc per executed instruction)
The largest trace of <program-id> in the directory is profiled (the top-level invocation).
Instruction counts approximate compute units (syscalls and CPIs cost extra, and are listed by
the runtime's log). Functions are named from symbols.o, whose .text is checked against the
binary's opcode by opcode; past the first mismatch (the linker drops unused tail code) names
are unreliable and reported as such."""
import bisect, collections, glob, os, struct, subprocess, sys

so_path, obj_path, trace_dir, program_id = sys.argv[1:5]
top = int(sys.argv[5]) if len(sys.argv) > 5 else 40

def sections(b):
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)
    secs = [struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize) for i in range(shnum)]
    stroff = secs[shstrndx][4]
    name = lambda off: b[off:b.index(b'\0', off)].decode()
    return {name(stroff + s[0]): (i, s) for i, s in enumerate(secs)}, name

so = open(so_path, 'rb').read()
ssecs, _ = sections(so)
_, st = ssecs['.text']
text = so[st[4]:st[4] + st[5]]

obj = open(obj_path, 'rb').read()
osecs, cstr = sections(obj)
ti, ot = osecs['.text']
otext = obj[ot[4]:ot[4] + ot[5]]
_, sym = osecs['.symtab']
strtab = [s for i, s in osecs.values() if i == sym[6]][0][4]
syms = []
for k in range(sym[5] // 24):
    name, info, _, shndx, value, _ = struct.unpack_from('<IBBHQQ', obj, sym[4] + k * 24)
    if shndx == ti and (info & 0xf) == 2:
        syms.append((value // 8, cstr(strtab + name)))
syms.sort()
starts = [s[0] for s in syms]
n_cmp = min(len(text), len(otext)) // 8
valid = next((i for i in range(n_cmp) if text[i * 8] != otext[i * 8]), n_cmp)
llvm_bin = os.environ.get('LLVM_BIN', '/usr/lib/llvm-22/bin')
names = subprocess.run([f'{llvm_bin}/llvm-cxxfilt'], input='\n'.join(s[1] for s in syms),
                       capture_output=True, text=True).stdout.split('\n')
strip = ('restaking::', 'anchor_lang::', 'anchor_spl::', 'core::', 'alloc::')

def fn(pc):
    if pc >= valid:
        return '(unmapped tail of .text)'
    i = bisect.bisect_right(starts, pc) - 1
    n = names[i] if i >= 0 else '?'
    for s in strip:
        n = n.replace(s, '')
    return n[:120]

traces = []
for f in glob.glob(os.path.join(trace_dir, '*.regs')):
    pid = open(f[:-5] + '.program_id').read().strip()
    if pid == program_id:
        traces.append((os.path.getsize(f), f))
if not traces:
    sys.exit(f'no trace of {program_id} in {trace_dir}')
_, path = max(traces)
regs = open(path, 'rb').read()
insns = open(path[:-5] + '.insns', 'rb').read()
n = len(regs) // 96
pcs = [struct.unpack_from('<Q', regs, i * 96 + 88)[0] for i in range(n)]
excl, incl, calls = collections.Counter(), collections.Counter(), collections.Counter()
stack = []
for i, pc in enumerate(pcs):
    f = fn(pc)
    excl[f] += 1
    for g in set(stack + [f]):
        incl[g] += 1
    op = insns[i * 8]
    if op in (0x85, 0x8d) and i + 1 < n and pcs[i + 1] != pc + 1:  # internal call
        stack.append(f)
        calls[fn(pcs[i + 1])] += 1
    elif op == 0x95 and stack:  # exit
        stack.pop()
print(f'# {os.path.basename(path)}: {n} instructions executed by {program_id}')
print(f'# symbols valid for the first {valid} of {len(text) // 8} instruction slots')
print('# inclusive  calls  function')
for f, c in incl.most_common(top):
    print(f'{c:9d} {calls[f]:6d}  {f}')
print('# exclusive  function')
for f, c in excl.most_common(top // 2):
    print(f'{c:9d}  {f}')
