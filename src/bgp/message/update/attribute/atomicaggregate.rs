//! Ports `exabgp/bgp/message/update/attribute/atomicaggregate.py`: ATOMIC_AGGREGATE (RFC 4271 §4.3 type 6, RFC 7606 §7.6).

use super::Malformed;

/// ATOMIC_AGGREGATE: a flag with no value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct AtomicAggregate;

impl AtomicAggregate {
    /// RFC 7606 §7.6: any length but zero is malformed (attribute discard).
    pub fn decode(data: &[u8]) -> Result<AtomicAggregate, Malformed> {
        if data.is_empty() {
            Ok(AtomicAggregate)
        } else {
            Err(Malformed(5))
        }
    }
}
