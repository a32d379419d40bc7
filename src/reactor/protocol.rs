//! Ports `exabgp/reactor/protocol.py`: message-level helpers of the peer (the messages it builds,
//! the small ones it reads itself) and ExaBGP's NOTIFICATION texts (RFC 4271 §4.5, §6, RFC 4486,
//! RFC 6608, RFC 8203/9003). No I/O: every function returns bytes or values.

use crate::bgp::message::{message, MessageType, Notification};
use crate::protocol::family::Family;
use bytes::{BufMut, Bytes, BytesMut};

/// ExaBGP's text for an error code (`Notification._str_code`).
pub fn code_text(code: u8) -> &'static str {
    match code {
        1 => "Message header error",
        2 => "OPEN message error",
        3 => "UPDATE message error",
        4 => "Hold timer expired",
        5 => "State machine error",
        6 => "Cease",
        _ => "unknown error",
    }
}

/// ExaBGP's text for a (code, subcode) pair (`Notification._str_subcode`).
pub fn subcode_text(code: u8, subcode: u8) -> Option<&'static str> {
    Some(match (code, subcode) {
        (1..=6, 0) => "Unspecific",
        (1, 1) => "Connection Not Synchronized",
        (1, 2) => "Bad Message Length",
        (1, 3) => "Bad Message Type",
        (2, 1) => "Unsupported Version Number",
        (2, 2) => "Bad Peer AS",
        (2, 3) => "Bad BGP Identifier",
        (2, 4) => "Unsupported Optional Parameter",
        (2, 5) => "Authentication Notification (Deprecated)",
        (2, 6) => "Unacceptable Hold Time",
        (2, 7) => "Unsupported Capability",
        (2, 8) => "Grouping Conflict",
        (2, 9) => "Grouping Required",
        (2, 10) => "Capability Value Mismatch",
        (3, 1) => "Malformed Attribute List",
        (3, 2) => "Unrecognized Well-known Attribute",
        (3, 3) => "Missing Well-known Attribute",
        (3, 4) => "Attribute Flags Error",
        (3, 5) => "Attribute Length Error",
        (3, 6) => "Invalid ORIGIN Attribute",
        (3, 7) => "AS Routing Loop",
        (3, 8) => "Invalid NEXT_HOP Attribute",
        (3, 9) => "Optional Attribute Error",
        (3, 10) => "Invalid Network Field",
        (3, 11) => "Malformed AS_PATH",
        (5, 1) => "Receive Unexpected Message in OpenSent State",
        (5, 2) => "Receive Unexpected Message in OpenConfirm State",
        (5, 3) => "Receive Unexpected Message in Established State",
        (6, 1) => "Maximum Number of Prefixes Reached",
        (6, 2) => "Administrative Shutdown",
        (6, 3) => "Peer De-configured",
        (6, 4) => "Administrative Reset",
        (6, 5) => "Connection Rejected",
        (6, 6) => "Other Configuration Change",
        (6, 7) => "Connection Collision Resolution",
        (6, 8) => "Out of Resources",
        (7, 1) => "Invalid Message Length",
        (7, 2) => "Malformed Message Subtype",
        _ => return None,
    })
}

/// A NOTIFICATION we send, as ExaBGP's `Notify`: without a text, the subcode's text is the data;
/// Administrative Shutdown and Reset carry it as a length-prefixed shutdown communication (RFC 9003).
pub fn notify(code: u8, subcode: u8, text: Option<&str>) -> Notification {
    let text =
        text.unwrap_or_else(|| subcode_text(code, subcode).unwrap_or("unknown notification type"));
    let mut data = BytesMut::new();
    if matches!((code, subcode), (6, 2) | (6, 4)) {
        // RFC 9003 §2: at most 255 octets of UTF-8; cut on a character boundary.
        let mut end = text.len().min(255);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        data.put_u8(end as u8);
        data.put_slice(&text.as_bytes()[..end]);
    } else {
        data.put_slice(text.as_bytes());
    }
    Notification::new(code, subcode, data.freeze())
}

/// The whole NOTIFICATION message.
pub fn notification_message(notification: &Notification) -> Bytes {
    let mut body = BytesMut::with_capacity(2 + notification.data.len());
    body.put_u8(notification.code);
    body.put_u8(notification.subcode);
    body.put_slice(&notification.data);
    message(MessageType::NOTIFICATION, &body)
}

/// Reads a NOTIFICATION body. A body too short for code and subcode becomes (0, 0) with
/// ExaBGP's explanation: RFC 4271 §6.5 says to close without answering, which is what a
/// received NOTIFICATION does anyway.
pub fn read_notification(body: &[u8]) -> Notification {
    match body {
        [code, subcode, data @ ..] => {
            Notification::new(*code, *subcode, Bytes::copy_from_slice(data))
        }
        _ => Notification::new(
            0,
            0,
            Bytes::from(format!(
                "peer sent a NOTIFICATION of {} bytes, too short to carry a code",
                body.len()
            )),
        ),
    }
}

/// ExaBGP's one-line rendering of a NOTIFICATION: `Cease / Peer De-configured / text`.
pub fn notification_text(notification: &Notification) -> String {
    let mut text = format!(
        "{} / {}",
        code_text(notification.code),
        subcode_text(notification.code, notification.subcode).unwrap_or("unknow reason")
    );
    if !notification.data.is_empty() {
        match std::str::from_utf8(&notification.data) {
            Ok(data) if data.is_ascii() => text.push_str(&format!(" / {data}")),
            _ => text.push_str(&format!(
                " / {}",
                crate::reactor::peer::event::hex::encode(&notification.data)
            )),
        }
    }
    text
}

/// A KEEPALIVE message (RFC 4271 §4.4).
pub fn keepalive() -> Bytes {
    message(MessageType::KEEPALIVE, &[])
}

/// Checks a KEEPALIVE body: it must be empty (RFC 4271 §6.1, 1/2 with the erroneous length).
pub fn read_keepalive(body: &[u8]) -> Result<(), Notification> {
    if body.is_empty() {
        return Ok(());
    }
    let length = (crate::bgp::message::HEADER_LEN + body.len()) as u16;
    Err(Notification::new(
        1,
        2,
        Bytes::copy_from_slice(&length.to_be_bytes()),
    ))
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

/// ROUTE-REFRESH subtypes (RFC 7313 §3.2).
pub const REFRESH_REQUEST: u8 = 0;
pub const REFRESH_BEGIN: u8 = 1;
pub const REFRESH_END: u8 = 2;

/// A ROUTE-REFRESH message (RFC 2918 §3, RFC 7313 §3.2): AFI, subtype, SAFI.
pub fn route_refresh(family: Family, subtype: u8) -> Bytes {
    let mut body = BytesMut::with_capacity(4);
    body.put_u16(family.afi.0);
    body.put_u8(subtype);
    body.put_u8(family.safi.0);
    message(MessageType::ROUTE_REFRESH, &body)
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
            notification_text(&notify(6, 3, None)),
            "Cease / Peer De-configured / Peer De-configured"
        );
        assert_eq!(
            notification_text(&Notification::new(4, 0, Bytes::new())),
            "Hold timer expired / Unspecific"
        );
    }

    #[test]
    fn notification_wire() {
        // RFC 4271 §4.5: marker, length 21 + data, type 3, code, subcode, data.
        let wire = notification_message(&Notification::new(6, 7, Bytes::from_static(b"x")));
        assert_eq!(&wire[16..], &[0, 22, 3, 6, 7, b'x']);
        assert_eq!(
            read_notification(&wire[19..]),
            Notification::new(6, 7, Bytes::from_static(b"x"))
        );
        assert_eq!(read_notification(&[6]).code, 0);
    }

    #[test]
    fn eor_and_refresh_wire() {
        // RFC 4724 §2: IPv4 unicast EoR is an UPDATE of 23 bytes with empty lengths.
        assert_eq!(&eor(Family::IPV4_UNICAST)[16..], &[0, 23, 2, 0, 0, 0, 0]);
        assert_eq!(
            &eor(Family::IPV6_UNICAST)[16..],
            &[0, 30, 2, 0, 0, 0, 7, 0x90, 15, 0, 3, 0, 2, 1]
        );
        let refresh = route_refresh(Family::new(Afi::IPV6, Safi::MPLS_VPN), REFRESH_BEGIN);
        assert_eq!(&refresh[16..], &[0, 23, 5, 0, 2, 1, 128]);
        assert_eq!(&keepalive()[16..], &[0, 19, 4]);
        assert!(read_keepalive(&[]).is_ok());
        assert_eq!(&read_keepalive(&[1]).unwrap_err().data[..], &[0, 20]);
    }
}
