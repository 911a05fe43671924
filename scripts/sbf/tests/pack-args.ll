; bpf-ir-fix self-test: an internal function with 7 argument registers (an i128 counts 2),
; numbered values, a phi naming the unnamed entry block, called twice from one caller.
define internal fastcc i64 @big(ptr noalias noundef nonnull readonly align 8 captures(none) dereferenceable(8) %0, i64 noundef %1, i128 %2, i64 noundef range(i64 0, 1000) %3, ptr noundef %4) unnamed_addr #0 {
  %6 = load i64, ptr %0, align 8
  %7 = icmp ugt i64 %1, 10
  br i1 %7, label %8, label %12

8:                                                ; preds = %5
  %9 = trunc i128 %2 to i64
  %10 = lshr i128 %2, 64
  %11 = trunc i128 %10 to i64
  %s1 = add i64 %9, %11
  br label %12

12:                                               ; preds = %8, %5
  %13 = phi i64 [ %s1, %8 ], [ %6, %5 ]
  %14 = mul i64 %13, %3
  %15 = load i64, ptr %4, align 8
  %16 = add i64 %14, %15
  %17 = add i64 %16, %1
  ret i64 %17
}

define i32 @main() {
  %a = alloca i64, align 8
  %b = alloca i64, align 8
  store i64 7, ptr %a, align 8
  store i64 1000, ptr %b, align 8
  %r1 = tail call fastcc i64 @big(ptr noalias noundef nonnull align 8 %a, i64 noundef 11, i128 noundef 36893488147419103235, i64 noundef 3, ptr noundef %b)
  %r2 = call fastcc i64 @big(ptr %a, i64 2, i128 5, i64 9, ptr %b)
  %s = add i64 %r1, %r2
  %m = urem i64 %s, 251
  %t = trunc i64 %m to i32
  ret i32 %t
}

attributes #0 = { noinline nounwind }
