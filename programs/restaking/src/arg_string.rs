//! [`ArgString`]: the type of the program's string instruction arguments (metadata URIs).
//!
//! Borsh reads a string's `u32` length and allocates up to 1 MiB for it before reading one byte,
//! so an instruction whose data claims a 40,000-byte string (and carries none) would abort the
//! program out of heap (32 KiB on SBF) instead of failing with an error. Instruction data never
//! exceeds a transaction ([`MAX_INSTRUCTION_DATA_LEN`] bytes), so a longer length is refused
//! before anything is allocated, as Anchor's `InstructionDidNotDeserialize`; a length that fits
//! but exceeds the argument's own limit then fails with its named error (`MetadataTooLong`).
//!
//! It reads and writes exactly the bytes of a Borsh `String`, and the files that take such an
//! argument import it *as* `String`, so the IDL (`string`), the clients and the wire format are
//! those of a plain string.
use anchor_lang::prelude::borsh::io::{Error, ErrorKind, Read, Result, Write};
use anchor_lang::prelude::*;
use std::ops::Deref;

/// The most instruction data one transaction can carry (a 1,232-byte packet holds at least a
/// signature, a header, a key and an instruction's framing besides the data).
pub const MAX_INSTRUCTION_DATA_LEN: usize = 1_232;

/// A UTF-8 string argument whose length prefix is checked before any allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArgString(pub std::string::String);

impl ArgString {
    pub fn into_inner(self) -> std::string::String {
        self.0
    }
}

impl Deref for ArgString {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ArgString {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<std::string::String> for ArgString {
    fn from(s: std::string::String) -> Self {
        Self(s)
    }
}

impl From<ArgString> for std::string::String {
    fn from(s: ArgString) -> Self {
        s.0
    }
}

impl AnchorSerialize for ArgString {
    fn serialize<W: Write>(&self, writer: &mut W) -> Result<()> {
        self.0.serialize(writer)
    }
}

impl AnchorDeserialize for ArgString {
    fn deserialize_reader<R: Read>(reader: &mut R) -> Result<Self> {
        let len = usize::try_from(u32::deserialize_reader(reader)?)
            .map_err(|_| Error::from(ErrorKind::InvalidData))?;
        if len > MAX_INSTRUCTION_DATA_LEN {
            return Err(Error::new(
                ErrorKind::InvalidData,
                "string longer than any instruction data",
            ));
        }
        let mut bytes = vec![0u8; len];
        reader.read_exact(&mut bytes)?;
        std::string::String::from_utf8(bytes)
            .map(Self)
            .map_err(|_| Error::from(ErrorKind::InvalidData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(s: &str) -> Vec<u8> {
        borsh::to_vec(&s.to_owned()).unwrap()
    }

    #[test]
    fn same_bytes_as_a_string() {
        for s in ["", "https://x.example/op.json", "é"] {
            assert_eq!(borsh::to_vec(&ArgString::from(s)).unwrap(), encoded(s));
            let back = ArgString::deserialize(&mut encoded(s).as_slice()).unwrap();
            assert_eq!(&*back, s);
        }
    }

    #[test]
    fn refuses_a_length_no_transaction_can_carry_before_allocating() {
        for len in [1_233u32, 40_000, u32::MAX] {
            let data = len.to_le_bytes();
            let err = ArgString::deserialize(&mut data.as_slice()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData);
        }
        // within the bound but missing its bytes: an ordinary end of input
        let mut data = 1_232u32.to_le_bytes().to_vec();
        data.extend_from_slice(b"short");
        assert!(ArgString::deserialize(&mut data.as_slice()).is_err());
    }

    #[test]
    fn refuses_invalid_utf8() {
        let data = [2u8, 0, 0, 0, 0xff, 0xfe];
        assert!(ArgString::deserialize(&mut data.as_slice()).is_err());
    }
}
