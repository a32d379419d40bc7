//! Ports `exabgp/bgp/message/update/attribute/sr/srv6/`: SRv6 service TLVs of the Prefix-SID attribute (RFC 9252 §2, §3).

pub mod l3service;
pub mod sidinformation;
pub mod sidstructure;

pub use l3service::Service;
pub use sidinformation::SidInformation;
pub use sidstructure::SidStructure;

/// Splits `type (1) length (2) value` TLVs, as every level of the SRv6 service TLVs is
/// built; `None` when one overruns the data.
pub(crate) fn tlvs(mut data: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let [code, hi, lo, ref rest @ ..] = *data else {
            return None;
        };
        let len = u16::from_be_bytes([hi, lo]) as usize;
        out.push((code, rest.get(..len)?));
        data = &rest[len..];
    }
    Some(out)
}

/// `"0a0b"`: ExaBGP's lower-case hexadecimal of unknown SRv6 TLVs.
pub(crate) use crate::util::hex::lower as hex;
