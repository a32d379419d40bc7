//! Ports `exabgp/bgp/message/update/__init__.py`: the UPDATE message (RFC 4271 §4.3, RFC 4760, RFC 7606).

/// An UPDATE message (filled in by the codec work of issue 2).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Update {}
