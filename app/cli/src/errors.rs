//! Names a failed transaction's error: custom codes become the program's own error
//! (`RestakingError`, code 6000 + its index) or Anchor's framework error, with their messages;
//! other runtime errors are described in words.
use anchor_lang::error::ErrorCode;
use restaking::error::RestakingError;
use solana_sdk::instruction::InstructionError;
use solana_sdk::transaction::TransactionError;

include!(concat!(env!("OUT_DIR"), "/restaking_errors.rs"));

/// Every Anchor framework error of anchor-lang 1.2.2 (pinned), for naming their codes.
const ANCHOR_ERRORS: &[ErrorCode] = &[
    ErrorCode::InstructionMissing,
    ErrorCode::InstructionFallbackNotFound,
    ErrorCode::InstructionDidNotDeserialize,
    ErrorCode::InstructionDidNotSerialize,
    ErrorCode::IdlInstructionStub,
    ErrorCode::IdlInstructionInvalidProgram,
    ErrorCode::IdlAccountNotEmpty,
    ErrorCode::EventInstructionStub,
    ErrorCode::ConstraintMut,
    ErrorCode::ConstraintHasOne,
    ErrorCode::ConstraintSigner,
    ErrorCode::ConstraintRaw,
    ErrorCode::ConstraintOwner,
    ErrorCode::ConstraintRentExempt,
    ErrorCode::ConstraintSeeds,
    ErrorCode::ConstraintExecutable,
    ErrorCode::ConstraintState,
    ErrorCode::ConstraintAssociated,
    ErrorCode::ConstraintAssociatedInit,
    ErrorCode::ConstraintClose,
    ErrorCode::ConstraintAddress,
    ErrorCode::ConstraintZero,
    ErrorCode::ConstraintTokenMint,
    ErrorCode::ConstraintTokenOwner,
    ErrorCode::ConstraintMintMintAuthority,
    ErrorCode::ConstraintMintFreezeAuthority,
    ErrorCode::ConstraintMintDecimals,
    ErrorCode::ConstraintSpace,
    ErrorCode::ConstraintAccountIsNone,
    ErrorCode::ConstraintTokenTokenProgram,
    ErrorCode::ConstraintMintTokenProgram,
    ErrorCode::ConstraintAssociatedTokenTokenProgram,
    ErrorCode::ConstraintMintGroupPointerExtension,
    ErrorCode::ConstraintMintGroupPointerExtensionAuthority,
    ErrorCode::ConstraintMintGroupPointerExtensionGroupAddress,
    ErrorCode::ConstraintMintGroupMemberPointerExtension,
    ErrorCode::ConstraintMintGroupMemberPointerExtensionAuthority,
    ErrorCode::ConstraintMintGroupMemberPointerExtensionMemberAddress,
    ErrorCode::ConstraintMintMetadataPointerExtension,
    ErrorCode::ConstraintMintMetadataPointerExtensionAuthority,
    ErrorCode::ConstraintMintMetadataPointerExtensionMetadataAddress,
    ErrorCode::ConstraintMintCloseAuthorityExtension,
    ErrorCode::ConstraintMintCloseAuthorityExtensionAuthority,
    ErrorCode::ConstraintMintPermanentDelegateExtension,
    ErrorCode::ConstraintMintPermanentDelegateExtensionDelegate,
    ErrorCode::ConstraintMintTransferHookExtension,
    ErrorCode::ConstraintMintTransferHookExtensionAuthority,
    ErrorCode::ConstraintMintTransferHookExtensionProgramId,
    ErrorCode::ConstraintDuplicateMutableAccount,
    ErrorCode::AccountAlreadyMigrated,
    ErrorCode::AccountNotMigrated,
    ErrorCode::ConstraintMintPausableExtension,
    ErrorCode::ConstraintMintPausableAuthority,
    ErrorCode::RequireViolated,
    ErrorCode::RequireEqViolated,
    ErrorCode::RequireKeysEqViolated,
    ErrorCode::RequireNeqViolated,
    ErrorCode::RequireKeysNeqViolated,
    ErrorCode::RequireGtViolated,
    ErrorCode::RequireGteViolated,
    ErrorCode::AccountDiscriminatorAlreadySet,
    ErrorCode::AccountDiscriminatorNotFound,
    ErrorCode::AccountDiscriminatorMismatch,
    ErrorCode::AccountDidNotDeserialize,
    ErrorCode::AccountDidNotSerialize,
    ErrorCode::AccountNotEnoughKeys,
    ErrorCode::AccountNotMutable,
    ErrorCode::AccountOwnedByWrongProgram,
    ErrorCode::InvalidProgramId,
    ErrorCode::InvalidProgramExecutable,
    ErrorCode::AccountNotSigner,
    ErrorCode::AccountNotSystemOwned,
    ErrorCode::AccountNotInitialized,
    ErrorCode::AccountNotProgramData,
    ErrorCode::AccountNotAssociatedTokenAccount,
    ErrorCode::AccountSysvarMismatch,
    ErrorCode::AccountReallocExceedsLimit,
    ErrorCode::AccountDuplicateReallocs,
    ErrorCode::DeclaredProgramIdMismatch,
    ErrorCode::TryingToInitPayerAsProgramAccount,
    ErrorCode::InvalidNumericConversion,
    ErrorCode::Deprecated,
];

/// Fails to compile when anchor's enum gains a variant missing from [`ANCHOR_ERRORS`].
#[allow(dead_code)]
fn anchor_errors_exhaustive(e: ErrorCode) {
    match e {
        ErrorCode::InstructionMissing => {}
        ErrorCode::InstructionFallbackNotFound => {}
        ErrorCode::InstructionDidNotDeserialize => {}
        ErrorCode::InstructionDidNotSerialize => {}
        ErrorCode::IdlInstructionStub => {}
        ErrorCode::IdlInstructionInvalidProgram => {}
        ErrorCode::IdlAccountNotEmpty => {}
        ErrorCode::EventInstructionStub => {}
        ErrorCode::ConstraintMut => {}
        ErrorCode::ConstraintHasOne => {}
        ErrorCode::ConstraintSigner => {}
        ErrorCode::ConstraintRaw => {}
        ErrorCode::ConstraintOwner => {}
        ErrorCode::ConstraintRentExempt => {}
        ErrorCode::ConstraintSeeds => {}
        ErrorCode::ConstraintExecutable => {}
        ErrorCode::ConstraintState => {}
        ErrorCode::ConstraintAssociated => {}
        ErrorCode::ConstraintAssociatedInit => {}
        ErrorCode::ConstraintClose => {}
        ErrorCode::ConstraintAddress => {}
        ErrorCode::ConstraintZero => {}
        ErrorCode::ConstraintTokenMint => {}
        ErrorCode::ConstraintTokenOwner => {}
        ErrorCode::ConstraintMintMintAuthority => {}
        ErrorCode::ConstraintMintFreezeAuthority => {}
        ErrorCode::ConstraintMintDecimals => {}
        ErrorCode::ConstraintSpace => {}
        ErrorCode::ConstraintAccountIsNone => {}
        ErrorCode::ConstraintTokenTokenProgram => {}
        ErrorCode::ConstraintMintTokenProgram => {}
        ErrorCode::ConstraintAssociatedTokenTokenProgram => {}
        ErrorCode::ConstraintMintGroupPointerExtension => {}
        ErrorCode::ConstraintMintGroupPointerExtensionAuthority => {}
        ErrorCode::ConstraintMintGroupPointerExtensionGroupAddress => {}
        ErrorCode::ConstraintMintGroupMemberPointerExtension => {}
        ErrorCode::ConstraintMintGroupMemberPointerExtensionAuthority => {}
        ErrorCode::ConstraintMintGroupMemberPointerExtensionMemberAddress => {}
        ErrorCode::ConstraintMintMetadataPointerExtension => {}
        ErrorCode::ConstraintMintMetadataPointerExtensionAuthority => {}
        ErrorCode::ConstraintMintMetadataPointerExtensionMetadataAddress => {}
        ErrorCode::ConstraintMintCloseAuthorityExtension => {}
        ErrorCode::ConstraintMintCloseAuthorityExtensionAuthority => {}
        ErrorCode::ConstraintMintPermanentDelegateExtension => {}
        ErrorCode::ConstraintMintPermanentDelegateExtensionDelegate => {}
        ErrorCode::ConstraintMintTransferHookExtension => {}
        ErrorCode::ConstraintMintTransferHookExtensionAuthority => {}
        ErrorCode::ConstraintMintTransferHookExtensionProgramId => {}
        ErrorCode::ConstraintDuplicateMutableAccount => {}
        ErrorCode::AccountAlreadyMigrated => {}
        ErrorCode::AccountNotMigrated => {}
        ErrorCode::ConstraintMintPausableExtension => {}
        ErrorCode::ConstraintMintPausableAuthority => {}
        ErrorCode::RequireViolated => {}
        ErrorCode::RequireEqViolated => {}
        ErrorCode::RequireKeysEqViolated => {}
        ErrorCode::RequireNeqViolated => {}
        ErrorCode::RequireKeysNeqViolated => {}
        ErrorCode::RequireGtViolated => {}
        ErrorCode::RequireGteViolated => {}
        ErrorCode::AccountDiscriminatorAlreadySet => {}
        ErrorCode::AccountDiscriminatorNotFound => {}
        ErrorCode::AccountDiscriminatorMismatch => {}
        ErrorCode::AccountDidNotDeserialize => {}
        ErrorCode::AccountDidNotSerialize => {}
        ErrorCode::AccountNotEnoughKeys => {}
        ErrorCode::AccountNotMutable => {}
        ErrorCode::AccountOwnedByWrongProgram => {}
        ErrorCode::InvalidProgramId => {}
        ErrorCode::InvalidProgramExecutable => {}
        ErrorCode::AccountNotSigner => {}
        ErrorCode::AccountNotSystemOwned => {}
        ErrorCode::AccountNotInitialized => {}
        ErrorCode::AccountNotProgramData => {}
        ErrorCode::AccountNotAssociatedTokenAccount => {}
        ErrorCode::AccountSysvarMismatch => {}
        ErrorCode::AccountReallocExceedsLimit => {}
        ErrorCode::AccountDuplicateReallocs => {}
        ErrorCode::DeclaredProgramIdMismatch => {}
        ErrorCode::TryingToInitPayerAsProgramAccount => {}
        ErrorCode::InvalidNumericConversion => {}
        ErrorCode::Deprecated => {}
    }
}

/// The name and message of a custom error code of the program or of Anchor, if it is one.
pub fn custom_error(code: u32) -> Option<(String, String)> {
    if let Some(e) = RESTAKING_ERRORS.iter().find(|e| u32::from(**e) == code) {
        return Some((e.name(), e.to_string()));
    }
    ANCHOR_ERRORS
        .iter()
        .find(|e| u32::from(**e) == code)
        .map(|e| (e.name(), e.to_string()))
}

/// A custom error as one phrase: `InsufficientIdle (6012): Not enough idle LST`.
pub fn describe_custom(code: u32) -> String {
    match custom_error(code) {
        Some((name, msg)) => format!("{name} ({code}): {msg}"),
        None => format!("custom program error {code} (0x{code:x})"),
    }
}

/// A transaction error as one line, naming the program's error when it is one.
pub fn describe_transaction_error(err: &TransactionError) -> String {
    match err {
        TransactionError::InstructionError(index, InstructionError::Custom(code)) => {
            format!("instruction {index} failed: {}", describe_custom(*code))
        }
        TransactionError::InstructionError(index, e) => {
            format!("instruction {index} failed: {e}")
        }
        other => other.to_string(),
    }
}

/// The custom code a transaction failed with, if any.
pub fn custom_code(err: &TransactionError) -> Option<u32> {
    match err {
        TransactionError::InstructionError(_, InstructionError::Custom(code)) => Some(*code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_program_and_anchor_errors() {
        let code = u32::from(RestakingError::InsufficientIdle);
        let (name, msg) = custom_error(code).expect("program error");
        assert_eq!(name, "InsufficientIdle");
        assert!(!msg.is_empty());
        assert_eq!(
            custom_error(u32::from(RestakingError::MathOverflow)).map(|e| e.0),
            Some("MathOverflow".to_string())
        );
        assert_eq!(u32::from(RestakingError::MathOverflow), 6000);
        let (name, _) = custom_error(2006).expect("anchor error");
        assert_eq!(name, "ConstraintSeeds");
        assert_eq!(describe_custom(1), "custom program error 1 (0x1)");
    }

    #[test]
    fn every_program_error_is_listed_once_in_code_order() {
        for (i, e) in RESTAKING_ERRORS.iter().enumerate() {
            let expected = 6000u32
                .checked_add(u32::try_from(i).expect("index"))
                .expect("code");
            assert_eq!(u32::from(*e), expected, "{}", e.name());
        }
    }
}
