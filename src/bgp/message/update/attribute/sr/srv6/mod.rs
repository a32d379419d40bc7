//! Ports `exabgp/bgp/message/update/attribute/sr/srv6/`: SRv6 service TLVs of the Prefix-SID attribute (RFC 9252 §2, §3).

pub mod l3service;
pub mod sidinformation;
pub mod sidstructure;

pub use l3service::Service;
pub use sidinformation::SidInformation;
pub use sidstructure::SidStructure;

use crate::bgp::message::reader::Reader;

/// Splits `type (1) length (2) value` TLVs, as every level of the SRv6 service TLVs is
/// built; `None` when one overruns the data.
pub(crate) fn tlvs(data: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut r = Reader::new(data);
    let mut out = Vec::new();
    while !r.is_empty() {
        let code = r.u8()?;
        let len = r.u16()?;
        out.push((code, r.take(usize::from(len))?));
    }
    Some(out)
}

/// `"0a0b"`: ExaBGP's lower-case hexadecimal of unknown SRv6 TLVs.
pub(crate) use crate::util::hex::lower as hex;
