//! Ports `exabgp/reactor/protocol.py`: message-level helpers of the peer that the codec does not
//! offer (ExaBGP's `Notify` default texts, `new_eor`, message names in its errors). No I/O.

use crate::bgp::message::{message, MessageType, Notification};
use crate::protocol::family::Family;
use bytes::{BufMut, Bytes, BytesMut};

/// A NOTIFICATION we send, as ExaBGP's `Notify`: without a text, the subcode's name is the data
/// (for 6/2 and 6/4 as an RFC 9003 shutdown communication).
pub fn notify(code: u8, subcode: u8, text: Option<&str>) -> Notification {
    let name = Notification::new(code, subcode, Bytes::new()).subcode_name();
    Notification::text(code, subcode, text.unwrap_or(name))
}

/// End-of-RIB for a family (RFC 4724 §2): an empty UPDATE for IPv4 unicast, else an UPDATE with
/// an empty MP_UNREACH_NLRI, written as ExaBGP does (extended-length flag, 0x90).
pub fn eor(family: Family) -> Bytes {
    if family == Family::IPV4_UNICAST {
        return message(MessageType::UPDATE, &[0, 0, 0, 0]);
    }
    let mut body = BytesMut::with_capacity(11);
    body.put_slice(&[0, 0, 0, 7, 0x90, 15, 0, 3]);
    body.put_u16(family.afi.0);
    body.put_u8(family.safi.0);
    message(MessageType::UPDATE, &body)
}

/// ExaBGP's name of a message in the "first packet is not an OPEN" text.
pub fn message_name(kind: MessageType) -> String {
    match kind {
        MessageType::OPEN => "OPEN".into(),
        MessageType::UPDATE => "UPDATE".into(),
        MessageType::NOTIFICATION => "NOTIFICATION".into(),
        MessageType::KEEPALIVE => "KEEPALIVE".into(),
        MessageType::ROUTE_REFRESH => "REFRESH".into(),
        MessageType::OPERATIONAL => "OPERATIONAL".into(),
        other => other.name(),
    }
}

/// Whether this speaker knows the message type (RFC 4271 §6.1: otherwise 1/3 Bad Message Type).
pub fn known(kind: MessageType) -> bool {
    (1..=6).contains(&kind.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::family::{Afi, Safi};

    #[test]
    fn notify_texts_as_exabgp() {
        let n = notify(5, 2, None);
        assert_eq!(
            &n.data[..],
            b"Receive Unexpected Message in OpenConfirm State"
        );
        let n = notify(6, 2, None);
        assert_eq!(n.data[0] as usize, "Administrative Shutdown".len());
        assert_eq!(&n.data[1..], b"Administrative Shutdown");
        assert_eq!(
            &notify(6, 7, Some("x")).encode()[16..],
            &[0, 22, 3, 6, 7, b'x']
        );
    }

    #[test]
    fn eor_wire() {
        // RFC 4724 §2: IPv4 unicast EoR is an UPDATE of 23 bytes with empty lengths.
        assert_eq!(&eor(Family::IPV4_UNICAST)[16..], &[0, 23, 2, 0, 0, 0, 0]);
        assert_eq!(
            &eor(Family::IPV6_UNICAST)[16..],
            &[0, 30, 2, 0, 0, 0, 7, 0x90, 15, 0, 3, 0, 2, 1]
        );
        let vpn = eor(Family::new(Afi::IPV6, Safi::MPLS_VPN));
        assert_eq!(&vpn[27..], &[0, 2, 128]);
        assert!(known(MessageType::OPERATIONAL));
        assert!(!known(MessageType(7)));
    }
}
