//! Ports `exabgp/bgp/message/notification.py`: NOTIFICATION (RFC 4271 §4.5, §6), shutdown communication
//! (RFC 9003), route-refresh errors (RFC 7313 §5).

use crate::bgp::message::{message, MessageType};
use crate::util::hex::hexstring;
use bytes::Bytes;
use std::fmt;

/// A NOTIFICATION message, also the error every decoder returns when the session must reset.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Notification {
    pub code: u8,
    pub subcode: u8,
    pub data: Bytes,
}

/// RFC 8203 limit, still applied by ExaBGP when displaying a received shutdown communication.
const SHUTDOWN_COMM_MAX_LEGACY: usize = 128;
/// RFC 9003 §2: the length is one byte.
const SHUTDOWN_COMM_MAX: usize = 255;

impl Notification {
    pub fn new(code: u8, subcode: u8, data: Bytes) -> Notification {
        Notification {
            code,
            subcode,
            data,
        }
    }

    /// A NOTIFICATION with a text as data (ExaBGP's `Notify`): for Cease / Administrative Shutdown
    /// and Administrative Reset the text is a shutdown communication (RFC 9003 §2: length byte,
    /// UTF-8, cut to 255 bytes on a character boundary).
    pub fn text(code: u8, subcode: u8, text: &str) -> Notification {
        if (code, subcode) == (6, 2) || (code, subcode) == (6, 4) {
            let mut end = text.len().min(SHUTDOWN_COMM_MAX);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let mut data = Vec::with_capacity(end + 1);
            data.push(end as u8);
            data.extend_from_slice(&text.as_bytes()[..end]);
            return Notification::new(code, subcode, Bytes::from(data));
        }
        Notification::new(code, subcode, Bytes::copy_from_slice(text.as_bytes()))
    }

    /// Decodes a NOTIFICATION body. Never fails: RFC 4271 §6.5 forbids answering a broken
    /// NOTIFICATION with another, so a body too short for code and subcode reads as (0, 0).
    pub fn decode(body: &[u8]) -> Notification {
        match body {
            [code, subcode, data @ ..] => {
                Notification::new(*code, *subcode, Bytes::copy_from_slice(data))
            }
            _ => Notification::new(0, 0, Bytes::new()),
        }
    }

    /// The whole message, header included.
    pub fn encode(&self) -> Bytes {
        let mut body = Vec::with_capacity(2 + self.data.len());
        body.push(self.code);
        body.push(self.subcode);
        body.extend_from_slice(&self.data);
        message(MessageType::NOTIFICATION, &body)
    }

    /// ExaBGP's name of the error code.
    pub fn code_name(&self) -> &'static str {
        match self.code {
            1 => "Message header error",
            2 => "OPEN message error",
            3 => "UPDATE message error",
            4 => "Hold timer expired",
            5 => "State machine error",
            6 => "Cease",
            _ => "unknown error",
        }
    }

    /// ExaBGP's name of the subcode (its `unknow reason` spelling kept).
    pub fn subcode_name(&self) -> &'static str {
        match (self.code, self.subcode) {
            (1, 0) | (2, 0) | (3, 0) | (4, 0) | (5, 0) | (6, 0) => "Unspecific",
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
            _ => "unknow reason",
        }
    }

    /// The data as ExaBGP shows it (its `data` property): the bytes as they are, except for a
    /// shutdown communication, which becomes `Shutdown Communication: "..."` or a description
    /// of what is wrong with it.
    pub fn display_data(&self) -> Vec<u8> {
        if (self.code, self.subcode) != (6, 2) && (self.code, self.subcode) != (6, 4) {
            return self.data.to_vec();
        }
        let Some((&len, payload)) = self.data.split_first() else {
            return Vec::new();
        };
        let len = usize::from(len);
        if len == 0 {
            return b"empty Shutdown Communication.".to_vec();
        }
        if payload.len() < len {
            return format!(
                "invalid Shutdown Communication (buffer underrun) length : {len} [{}]",
                hexstring(payload)
            )
            .into_bytes();
        }
        if len > SHUTDOWN_COMM_MAX_LEGACY {
            return format!(
                "invalid Shutdown Communication (too large) length : {len} [{}]",
                hexstring(payload)
            )
            .into_bytes();
        }
        let Ok(text) = std::str::from_utf8(&payload[..len]) else {
            return format!(
                "invalid Shutdown Communication (invalid UTF-8) length : {len} [{}]",
                hexstring(payload)
            )
            .into_bytes();
        };
        let mut out = format!(
            "Shutdown Communication: \"{}\"",
            text.replace(['\r', '\n'], " ")
        );
        let trailer = &payload[len..];
        if !trailer.is_empty() {
            out.push_str(", trailing data: ");
            out.push_str(&hexstring(trailer));
        }
        out.into_bytes()
    }

    /// ExaBGP's JSON body: the value of the `"notification"` key.
    pub fn json(&self, out: &mut String) {
        let data = self.display_data();
        out.push_str(&format!(
            "{{ \"code\": {}, \"subcode\": {}, \"data\": \"{}\", \"message\": ",
            self.code,
            self.subcode,
            hexstring(&data)
        ));
        crate::util::json::string(out, &String::from_utf8_lossy(&data));
        out.push_str(" } ");
    }
}

impl fmt::Display for Notification {
    /// `code name / subcode name / data`, as ExaBGP logs it; the data is shown as text when it is
    /// printable ASCII, else in hex (ExaBGP prints any ASCII, control characters included).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.code_name(), self.subcode_name())?;
        let data = self.display_data();
        if data.is_empty() {
            return Ok(());
        }
        if data.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
            write!(f, " / {}", String::from_utf8_lossy(&data))
        } else {
            write!(f, " / {}", hexstring(&data))
        }
    }
}

impl std::error::Error for Notification {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        // Cease / Administrative Shutdown, RFC 9003 length 3 "bye"
        let wire = [0xFF; 16]
            .iter()
            .copied()
            .chain([0, 25, 3, 6, 2, 3, b'b', b'y', b'e'])
            .collect::<Vec<u8>>();
        let notification = Notification::text(6, 2, "bye");
        assert_eq!(notification.encode()[..], wire[..]);
        assert_eq!(Notification::decode(&wire[19..]), notification);
        assert_eq!(
            notification.to_string(),
            "Cease / Administrative Shutdown / Shutdown Communication: \"bye\""
        );
    }

    #[test]
    fn short_body_is_not_an_error() {
        assert_eq!(
            Notification::decode(&[6]),
            Notification::new(0, 0, Bytes::new())
        );
        assert_eq!(
            Notification::decode(&[]).to_string(),
            "unknown error / unknow reason"
        );
    }

    #[test]
    fn names() {
        let n = Notification::new(
            2,
            2,
            Bytes::from_static(b"ASN in OPEN (1) did not match ASN expected (2)"),
        );
        assert_eq!(
            n.to_string(),
            "OPEN message error / Bad Peer AS / ASN in OPEN (1) did not match ASN expected (2)"
        );
        assert_eq!(
            Notification::new(4, 0, Bytes::new()).to_string(),
            "Hold timer expired / Unspecific"
        );
        assert_eq!(
            Notification::new(1, 2, Bytes::from_static(&[0, 18])).to_string(),
            "Message header error / Bad Message Length / 0x0012"
        );
        assert_eq!(
            Notification::new(7, 2, Bytes::new()).subcode_name(),
            "Malformed Message Subtype"
        );
    }

    #[test]
    fn shutdown_communication_display() {
        let show = |data: &[u8]| {
            String::from_utf8(Notification::new(6, 4, Bytes::copy_from_slice(data)).display_data())
                .unwrap()
        };
        assert_eq!(show(&[0]), "empty Shutdown Communication.");
        assert_eq!(
            show(&[5, b'a']),
            "invalid Shutdown Communication (buffer underrun) length : 5 [0x61]"
        );
        assert_eq!(
            show(&[1, 0xFF]),
            "invalid Shutdown Communication (invalid UTF-8) length : 1 [0xFF]"
        );
        assert_eq!(
            show(&[2, b'a', b'\n', 0xAB]),
            "Shutdown Communication: \"a \", trailing data: 0xAB"
        );
        // 255 bytes is legal on the wire (RFC 9003), ExaBGP still shows it as too large
        let mut long = vec![200];
        long.extend(std::iter::repeat(b'x').take(200));
        assert!(show(&long).starts_with("invalid Shutdown Communication (too large) length : 200"));
    }

    #[test]
    fn text_is_cut_to_255_bytes() {
        let n = Notification::text(6, 2, &"é".repeat(200));
        assert_eq!(n.data[0], 254);
        assert_eq!(n.data.len(), 255);
        assert_eq!(
            Notification::text(2, 6, "Hold Time is invalid (1)").data,
            Bytes::from_static(b"Hold Time is invalid (1)")
        );
    }

    #[test]
    fn json_body() {
        let mut out = String::new();
        Notification::text(6, 2, "bye").json(&mut out);
        assert_eq!(
            out,
            "{ \"code\": 6, \"subcode\": 2, \"data\": \"0x53687574646F776E20436F6D6D756E69636174696F6E3A202262796522\", \"message\": \"Shutdown Communication: \\\"bye\\\"\" } "
        );
    }
}
