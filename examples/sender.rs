//! A fast BGP route sender for `bench/compare.sh`'s `receive` job (issue 10).
//!
//! That job measures how fast a speaker under test receives routes (exabgp-rs: and hands them
//! as JSON to a helper). With a BIRD 2 exporting them, BIRD's export (~2.5 s for a million
//! routes) was the bottleneck, so this sender pre-encodes every UPDATE into one buffer and
//! writes it to the socket in 1 MiB chunks. It is a benchmark tool, not a port of any ExaBGP
//! file, and deliberately self-contained: std only, nothing from the crate (the one exception:
//! `--bind` needs a bind before connect, which std cannot do, so it uses the socket2 the crate
//! already depends on).
//!
//! The session: OPEN with multiprotocol IPv4 unicast, route refresh and four-octet AS
//! (AS_TRANS in the two-octet field above 65535); the peer's OPEN is checked (version, AS,
//! hold time, four-octet AS support), KEEPALIVEs are exchanged and on the peer's KEEPALIVE
//! (Established) `established <epoch seconds>` goes to stderr. Then the routes, End-of-RIB,
//! and `sent N routes in M messages, B bytes, S s` (M and B count the End-of-RIB). Then it
//! stays up: it reads and discards what the peer sends, sends a KEEPALIVE every hold time / 3,
//! and exits when the peer closes (0), sends a NOTIFICATION (printed; 0 for a Cease, else 1),
//! or on SIGTERM. In `--listen` mode it prints `listening on ADDR:PORT` once it listens.
//!
//! The routes are those of `ROUTE_AWK` in bench/compare.sh: route i (0 <= i < N) is
//! `16+i/65536 . i/256%256 . i%256 . 0/24` with MED i/3, so three consecutive routes share
//! their attributes and go in one UPDATE: ORIGIN IGP, AS_PATH `[local-as]` (an AS_SEQUENCE of
//! four-octet ASNs), NEXT_HOP, MULTI_EXIT_DISC, and LOCAL_PREF 100 when iBGP.
//!
//! `cargo build --release --example sender`; `cargo test --example sender` checks the encoding.

use std::io::{self, BufReader, ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const USAGE: &str = "\
usage: sender (--connect ADDR:PORT [--bind ADDR] | --listen ADDR:PORT)
              --local-as N --peer-as N [--router-id A.B.C.D] [--routes N]
              [--next-hop A.B.C.D] [--hold-time S]

  --connect ADDR:PORT  connect to the peer (active)
  --listen ADDR:PORT   wait for the peer and accept one connection (passive)
  --bind ADDR          local address to connect from (--connect only)
  --local-as N         our AS (1-4294967295)
  --peer-as N          the peer's AS (eBGP when it differs, iBGP adds LOCAL_PREF 100)
  --router-id A.B.C.D  our BGP identifier (default: the session's local IPv4 address)
  --routes N           routes to send (default 1000000, at most 13631488)
  --next-hop A.B.C.D   NEXT_HOP (default: the session's local IPv4 address, else 192.0.2.1)
  --hold-time S        hold time to offer: 0 or 3-65535 (default 180)";

const MARKER: [u8; 16] = [0xff; 16];
const HEADER_LEN: usize = 19;
/// RFC 4271's largest message (we announce no extended message capability).
const MAX_LEN: usize = 4096;
const OPEN: u8 = 1;
const UPDATE: u8 = 2;
const NOTIFICATION: u8 = 3;
const KEEPALIVE: u8 = 4;
const AS_TRANS: u16 = 23456;
const CAPABILITY_MULTIPROTOCOL: u8 = 1;
const CAPABILITY_ROUTE_REFRESH: u8 = 2;
const CAPABILITY_FOUR_OCTET_AS: u8 = 65;
/// The size of each write_all.
const CHUNK: usize = 1 << 20;
/// Routes per UPDATE: those sharing a MED.
const PER_UPDATE: u32 = 3;
/// Keeps the first octet of the last prefix at 223 (no multicast or reserved prefixes).
const MAX_ROUTES: u32 = (224 - 16) * 65536;
const DEFAULT_NEXT_HOP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
/// How long to wait for the peer's OPEN and KEEPALIVE (RFC 4271's suggested large hold time).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(240);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Connect(SocketAddr),
    Listen(SocketAddr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    mode: Mode,
    bind: Option<IpAddr>,
    local_as: u32,
    peer_as: u32,
    router_id: Option<Ipv4Addr>,
    routes: u32,
    next_hop: Option<Ipv4Addr>,
    hold_time: u16,
}

/// Parses the command line (without the program name); `Ok(None)` for --help.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    fn value<T: std::str::FromStr>(name: &str, text: &str, what: &str) -> Result<T, String> {
        text.parse()
            .map_err(|_| format!("{name}: {text:?} is not {what}"))
    }
    let mut connect = None;
    let mut listen = None;
    let mut bind = None;
    let mut local_as = None;
    let mut peer_as = None;
    let mut router_id = None;
    let mut routes = 1_000_000;
    let mut next_hop = None;
    let mut hold_time = 180;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        // --name VALUE or --name=VALUE
        let (name, inline) = match arg.split_once('=') {
            Some((name, text)) if name.starts_with("--") => {
                (name.to_string(), Some(text.to_string()))
            }
            _ => (arg, None),
        };
        let known = [
            "--connect",
            "--listen",
            "--bind",
            "--local-as",
            "--peer-as",
            "--router-id",
            "--routes",
            "--next-hop",
            "--hold-time",
        ];
        if !known.contains(&name.as_str()) {
            return Err(format!("unknown argument {name:?}"));
        }
        let text = match inline.or_else(|| args.next()) {
            Some(text) => text,
            None => return Err(format!("{name} needs a value")),
        };
        let name = name.as_str();
        match name {
            "--connect" => connect = Some(value::<SocketAddr>(name, &text, "an ADDR:PORT")?),
            "--listen" => listen = Some(value::<SocketAddr>(name, &text, "an ADDR:PORT")?),
            "--bind" => bind = Some(value::<IpAddr>(name, &text, "an IP address")?),
            "--local-as" | "--peer-as" => {
                let asn = value::<u32>(name, &text, "an AS number (1-4294967295)")?;
                if asn == 0 {
                    return Err(format!("{name}: AS 0 is reserved"));
                }
                if name == "--local-as" {
                    local_as = Some(asn);
                } else {
                    peer_as = Some(asn);
                }
            }
            "--router-id" => {
                let id = value::<Ipv4Addr>(name, &text, "an IPv4 address")?;
                if id.is_unspecified() {
                    return Err(format!("{name}: 0.0.0.0 is not a valid BGP identifier"));
                }
                router_id = Some(id);
            }
            "--routes" => {
                routes = value::<u32>(name, &text, "a route count")?;
                if routes > MAX_ROUTES {
                    return Err(format!(
                        "{name}: at most {MAX_ROUTES} (the last prefix would leave unicast space)"
                    ));
                }
            }
            "--next-hop" => next_hop = Some(value::<Ipv4Addr>(name, &text, "an IPv4 address")?),
            _ => {
                hold_time = value::<u16>(name, &text, "a hold time in seconds (0 or 3-65535)")?;
                if hold_time == 1 || hold_time == 2 {
                    return Err(format!("{name}: must be 0 or at least 3 (RFC 4271)"));
                }
            }
        }
    }
    let mode = match (connect, listen) {
        (Some(address), None) => Mode::Connect(address),
        (None, Some(address)) => Mode::Listen(address),
        (Some(_), Some(_)) => return Err("--connect and --listen exclude each other".into()),
        (None, None) => return Err("one of --connect or --listen is needed".into()),
    };
    if bind.is_some() && matches!(mode, Mode::Listen(_)) {
        return Err("--bind is for --connect (--listen takes the local address)".into());
    }
    Ok(Some(Options {
        mode,
        bind,
        local_as: local_as.ok_or("--local-as is needed")?,
        peer_as: peer_as.ok_or("--peer-as is needed")?,
        router_id,
        routes,
        next_hop,
        hold_time,
    }))
}

// ---- encoding --------------------------------------------------------------------------------

/// Appends a message header for a message of `len` bytes (header included).
fn push_header(out: &mut Vec<u8>, len: usize, kind: u8) {
    debug_assert!((HEADER_LEN..=MAX_LEN).contains(&len));
    out.extend_from_slice(&MARKER);
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.push(kind);
}

fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    push_header(&mut out, HEADER_LEN + body.len(), kind);
    out.extend_from_slice(body);
    out
}

/// OPEN (RFC 4271 §4.2) with one capabilities parameter (RFC 5492): multiprotocol IPv4
/// unicast (RFC 4760), route refresh (RFC 2918), four-octet AS (RFC 6793).
fn encode_open(local_as: u32, hold_time: u16, router_id: Ipv4Addr) -> Vec<u8> {
    let two_octet = u16::try_from(local_as).unwrap_or(AS_TRANS);
    let mut capabilities = vec![CAPABILITY_MULTIPROTOCOL, 4, 0, 1, 0, 1];
    capabilities.extend_from_slice(&[CAPABILITY_ROUTE_REFRESH, 0]);
    capabilities.extend_from_slice(&[CAPABILITY_FOUR_OCTET_AS, 4]);
    capabilities.extend_from_slice(&local_as.to_be_bytes());
    let mut body = vec![4];
    body.extend_from_slice(&two_octet.to_be_bytes());
    body.extend_from_slice(&hold_time.to_be_bytes());
    body.extend_from_slice(&router_id.octets());
    body.push(2 + capabilities.len() as u8);
    body.extend_from_slice(&[2, capabilities.len() as u8]);
    body.extend_from_slice(&capabilities);
    message(OPEN, &body)
}

fn keepalive() -> Vec<u8> {
    message(KEEPALIVE, &[])
}

fn notification(code: u8, subcode: u8, data: &[u8]) -> Vec<u8> {
    let mut body = vec![code, subcode];
    body.extend_from_slice(data);
    message(NOTIFICATION, &body)
}

/// End-of-RIB for IPv4 unicast (RFC 4724): an UPDATE with no withdrawn route, no attribute.
fn end_of_rib() -> Vec<u8> {
    message(UPDATE, &[0, 0, 0, 0])
}

/// The first three octets of route i's /24 (bench/compare.sh's ROUTE_AWK `prefix`).
fn prefix(i: u32) -> [u8; 3] {
    [
        (16 + i / 65536) as u8,
        (i / 256 % 256) as u8,
        (i % 256) as u8,
    ]
}

/// Route i's MULTI_EXIT_DISC (ROUTE_AWK's `med`).
fn med(i: u32) -> u32 {
    i / PER_UPDATE
}

/// Every route's UPDATE, back to back, and how many there are: one per MED (RFC 4271 §4.3).
fn encode_updates(routes: u32, local_as: u32, next_hop: Ipv4Addr, ibgp: bool) -> (Vec<u8>, usize) {
    // ORIGIN 4, AS_PATH 3 + 6, NEXT_HOP 7, MED 7 (+ LOCAL_PREF 7)
    let attributes_len = 4 + 9 + 7 + 7 + if ibgp { 7 } else { 0 };
    let messages = routes.div_ceil(PER_UPDATE) as usize;
    let full_len = HEADER_LEN + 4 + attributes_len + 4 * PER_UPDATE as usize;
    let mut out = Vec::with_capacity(messages * full_len);
    let mut first = 0;
    while first < routes {
        let count = PER_UPDATE.min(routes - first);
        push_header(
            &mut out,
            HEADER_LEN + 4 + attributes_len + 4 * count as usize,
            UPDATE,
        );
        out.extend_from_slice(&[0, 0]); // withdrawn routes length
        out.extend_from_slice(&(attributes_len as u16).to_be_bytes());
        // flags (0x40 well-known transitive, 0x80 optional non-transitive), type, length, value
        out.extend_from_slice(&[0x40, 1, 1, 0]); // ORIGIN IGP
        out.extend_from_slice(&[0x40, 2, 6, 2, 1]); // AS_PATH: one AS_SEQUENCE of one ASN
        out.extend_from_slice(&local_as.to_be_bytes());
        out.extend_from_slice(&[0x40, 3, 4]); // NEXT_HOP
        out.extend_from_slice(&next_hop.octets());
        out.extend_from_slice(&[0x80, 4, 4]); // MULTI_EXIT_DISC
        out.extend_from_slice(&med(first).to_be_bytes());
        if ibgp {
            out.extend_from_slice(&[0x40, 5, 4, 0, 0, 0, 100]); // LOCAL_PREF 100
        }
        for i in first..first + count {
            out.push(24);
            out.extend_from_slice(&prefix(i));
        }
        first += count;
    }
    (out, messages)
}

// ---- decoding --------------------------------------------------------------------------------

/// Reads one message: its type and body. Checks the marker and the length.
fn read_message(reader: &mut impl Read) -> io::Result<(u8, Vec<u8>)> {
    let mut header = [0; HEADER_LEN];
    reader.read_exact(&mut header)?;
    if header[..16] != MARKER {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            "message header: marker not all ones",
        ));
    }
    let len = u16::from_be_bytes([header[16], header[17]]) as usize;
    if len < HEADER_LEN {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("message header: length {len} below 19"),
        ));
    }
    let mut body = vec![0; len - HEADER_LEN];
    reader.read_exact(&mut body)?;
    Ok((header[18], body))
}

#[derive(Debug, PartialEq, Eq)]
struct PeerOpen {
    two_octet_as: u16,
    hold_time: u16,
    router_id: Ipv4Addr,
    /// The four-octet AS capability's AS, when announced.
    four_octet_as: Option<u32>,
}

impl PeerOpen {
    fn asn(&self) -> u32 {
        self.four_octet_as.unwrap_or(self.two_octet_as as u32)
    }
}

/// An OPEN's body; an error names the NOTIFICATION (code 2, subcode) to answer it with.
fn parse_open(body: &[u8]) -> Result<PeerOpen, (u8, String)> {
    if body.len() < 10 {
        return Err((0, format!("OPEN of {} bytes", body.len() + HEADER_LEN)));
    }
    if body[0] != 4 {
        return Err((1, format!("BGP version {}", body[0])));
    }
    let params_len = body[9] as usize;
    let params = body
        .get(10..10 + params_len)
        .ok_or((0, "OPEN parameters past its end".to_string()))?;
    let mut four_octet_as = None;
    for (kind, value) in tlvs(params, "OPEN parameter")? {
        if kind != 2 {
            continue;
        }
        for (code, value) in tlvs(value, "capability")? {
            if let (CAPABILITY_FOUR_OCTET_AS, &[a, b, c, d]) = (code, value) {
                four_octet_as = Some(u32::from_be_bytes([a, b, c, d]));
            }
        }
    }
    Ok(PeerOpen {
        two_octet_as: u16::from_be_bytes([body[1], body[2]]),
        hold_time: u16::from_be_bytes([body[3], body[4]]),
        router_id: Ipv4Addr::new(body[5], body[6], body[7], body[8]),
        four_octet_as,
    })
}

/// One OPEN parameter or capability: its type and value.
type Tlv<'a> = (u8, &'a [u8]);

/// The (type, value) items of one-byte type, one-byte length data (OPEN parameters and
/// capabilities); `what` names them in the error.
fn tlvs<'a>(mut data: &'a [u8], what: &str) -> Result<Vec<Tlv<'a>>, (u8, String)> {
    let mut items = Vec::new();
    while !data.is_empty() {
        let [kind, len, ..] = *data else {
            return Err((0, format!("truncated {what}")));
        };
        let value = data
            .get(2..2 + len as usize)
            .ok_or((0, format!("{what} past its end")))?;
        items.push((kind, value));
        data = &data[2 + len as usize..];
    }
    Ok(items)
}

/// A NOTIFICATION's body in words.
fn describe_notification(body: &[u8]) -> String {
    let (code, subcode) = (
        body.first().copied().unwrap_or(0),
        body.get(1).copied().unwrap_or(0),
    );
    let name = match code {
        1 => "Message Header Error",
        2 => "OPEN Message Error",
        3 => "UPDATE Message Error",
        4 => "Hold Timer Expired",
        5 => "Finite State Machine Error",
        6 => "Cease",
        _ => "unknown",
    };
    let mut text = format!("NOTIFICATION code {code} ({name}) subcode {subcode}");
    if body.len() > 2 {
        text.push_str(", data ");
        for byte in &body[2..] {
            text.push_str(&format!("{byte:02x}"));
        }
        if let Ok(words) = std::str::from_utf8(&body[2..]) {
            if words.chars().all(|c| !c.is_control()) {
                text.push_str(&format!(" ({words:?})"));
            }
        }
    }
    text
}

// ---- the session -----------------------------------------------------------------------------

fn epoch() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:06}", now.as_secs(), now.subsec_micros())
}

fn open_stream(options: &Options) -> io::Result<TcpStream> {
    match options.mode {
        Mode::Listen(address) => {
            let listener = TcpListener::bind(address)?;
            eprintln!("listening on {}", listener.local_addr()?);
            let (stream, peer) = listener.accept()?;
            eprintln!("connection from {peer}");
            Ok(stream)
        }
        Mode::Connect(address) => match options.bind {
            None => TcpStream::connect(address),
            Some(local) => {
                use socket2::{Domain, Protocol, SockAddr, Socket, Type};
                let socket = Socket::new(
                    Domain::for_address(address),
                    Type::STREAM,
                    Some(Protocol::TCP),
                )?;
                socket.bind(&SockAddr::from(SocketAddr::new(local, 0)))?;
                socket.connect(&SockAddr::from(address))?;
                Ok(socket.into())
            }
        },
    }
}

/// Reads a message before Established: a NOTIFICATION or the timeout are errors.
fn handshake_read(stream: &mut TcpStream, wanted: &str) -> io::Result<(u8, Vec<u8>)> {
    match read_message(stream) {
        Ok((NOTIFICATION, body)) => {
            let why = format!("peer sent {}", describe_notification(&body));
            Err(io::Error::other(why))
        }
        Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            let why = format!(
                "no {wanted} from the peer in {} s",
                HANDSHAKE_TIMEOUT.as_secs()
            );
            Err(io::Error::new(ErrorKind::TimedOut, why))
        }
        Err(error) if error.kind() == ErrorKind::UnexpectedEof => Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            format!("peer closed before {wanted}"),
        )),
        other => other,
    }
}

/// Sends a NOTIFICATION (best effort) and makes the error to exit with.
fn refuse(stream: &mut TcpStream, code: u8, subcode: u8, data: &[u8], why: String) -> io::Error {
    let _ = stream.write_all(&notification(code, subcode, data));
    io::Error::other(why)
}

fn run(options: &Options) -> io::Result<()> {
    let mut stream = open_stream(options)?;
    stream.set_nodelay(true)?;
    let local = match stream.local_addr()?.ip() {
        IpAddr::V4(address) => Some(address),
        IpAddr::V6(address) => address.to_ipv4_mapped(),
    }
    .filter(|address| !address.is_unspecified());
    let next_hop = options.next_hop.or(local).unwrap_or(DEFAULT_NEXT_HOP);
    let router_id = options.router_id.or(local).unwrap_or(next_hop);
    stream.write_all(&encode_open(options.local_as, options.hold_time, router_id))?;

    // encoded while the peer reads our OPEN; the End-of-RIB goes in the same writes
    let encoding = Instant::now();
    let ibgp = options.local_as == options.peer_as;
    let (mut blast, updates) = encode_updates(options.routes, options.local_as, next_hop, ibgp);
    blast.extend_from_slice(&end_of_rib());
    let messages = updates + 1;
    eprintln!(
        "encoded {} routes in {messages} messages, {} bytes, {:.3} s",
        options.routes,
        blast.len(),
        encoding.elapsed().as_secs_f64()
    );

    stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
    let (kind, body) = handshake_read(&mut stream, "an OPEN")?;
    if kind != OPEN {
        let why = format!("message type {kind} instead of an OPEN");
        return Err(refuse(&mut stream, 5, 1, &[], why));
    }
    if body.len() + HEADER_LEN > MAX_LEN {
        let why = format!("OPEN of {} bytes", body.len() + HEADER_LEN);
        return Err(refuse(&mut stream, 1, 2, &[], why));
    }
    let open =
        parse_open(&body).map_err(|(subcode, why)| refuse(&mut stream, 2, subcode, &[], why))?;
    if open.asn() != options.peer_as {
        let why = format!("peer is AS {}, not {}", open.asn(), options.peer_as);
        return Err(refuse(&mut stream, 2, 2, &[], why));
    }
    if open.hold_time == 1 || open.hold_time == 2 {
        let why = format!("peer's hold time {}", open.hold_time);
        return Err(refuse(&mut stream, 2, 6, &[], why));
    }
    if open.four_octet_as.is_none() {
        let mut wanted = vec![CAPABILITY_FOUR_OCTET_AS, 4];
        wanted.extend_from_slice(&options.local_as.to_be_bytes());
        let why = "peer has no four-octet AS capability (this sender encodes four-octet AS_PATHs)";
        return Err(refuse(&mut stream, 2, 7, &wanted, why.into()));
    }
    let hold_time = options.hold_time.min(open.hold_time);
    stream.write_all(&keepalive())?;
    let (kind, _) = handshake_read(&mut stream, "a KEEPALIVE")?;
    if kind != KEEPALIVE {
        let why = format!("message type {kind} instead of a KEEPALIVE");
        return Err(refuse(&mut stream, 5, 2, &[], why));
    }
    eprintln!("established {}", epoch());
    stream.set_read_timeout(None)?;

    // from now on the peer can write to us whenever: read and drop it all on another thread
    let reader = stream.try_clone()?;
    std::thread::spawn(move || discard(reader));

    let sending = Instant::now();
    for chunk in blast.chunks(CHUNK) {
        stream.write_all(chunk)?;
    }
    eprintln!(
        "sent {} routes in {messages} messages, {} bytes, {:.3} s",
        options.routes,
        blast.len(),
        sending.elapsed().as_secs_f64()
    );
    drop(blast);

    let interval = Duration::from_secs(u64::from(hold_time / 3).max(1));
    loop {
        if hold_time == 0 {
            std::thread::park();
            continue;
        }
        std::thread::sleep(interval);
        stream.write_all(&keepalive())?;
    }
}

/// Reads and drops the peer's messages until it closes (exit 0) or sends a NOTIFICATION.
fn discard(stream: TcpStream) -> ! {
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    loop {
        match read_message(&mut reader) {
            Ok((NOTIFICATION, body)) => {
                eprintln!("peer sent {}", describe_notification(&body));
                std::process::exit(if body.first() == Some(&6) { 0 } else { 1 });
            }
            Ok(_) => {}
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::UnexpectedEof
                        | ErrorKind::ConnectionReset
                        | ErrorKind::ConnectionAborted
                ) =>
            {
                eprintln!("peer closed the session");
                std::process::exit(0);
            }
            Err(error) => {
                eprintln!("sender: reading from the peer: {error}");
                std::process::exit(1);
            }
        }
    }
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("sender: {error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sender: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    /// Splits a buffer of messages into (type, body) pairs, checking each header.
    fn split(mut bytes: &[u8]) -> Vec<(u8, &[u8])> {
        let mut messages = Vec::new();
        while !bytes.is_empty() {
            assert_eq!(bytes[..16], MARKER, "marker");
            let len = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
            assert!((HEADER_LEN..=MAX_LEN).contains(&len), "length {len}");
            messages.push((bytes[18], &bytes[HEADER_LEN..len]));
            bytes = &bytes[len..];
        }
        messages
    }

    /// An UPDATE's path attributes as (flags, type, value) and its NLRI as text, by RFC 4271
    /// §4.3, independently of the encoder.
    #[allow(clippy::type_complexity)]
    fn decode_update(body: &[u8]) -> (Vec<(u8, u8, &[u8])>, Vec<String>) {
        let withdrawn = u16::from_be_bytes([body[0], body[1]]) as usize;
        assert_eq!(withdrawn, 0, "no withdrawn routes");
        let attributes_len = u16::from_be_bytes([body[2], body[3]]) as usize;
        let mut attributes = &body[4..4 + attributes_len];
        let mut decoded = Vec::new();
        while !attributes.is_empty() {
            let (flags, kind) = (attributes[0], attributes[1]);
            let (len, start) = if flags & 0x10 != 0 {
                (
                    u16::from_be_bytes([attributes[2], attributes[3]]) as usize,
                    4,
                )
            } else {
                (attributes[2] as usize, 3)
            };
            decoded.push((flags, kind, &attributes[start..start + len]));
            attributes = &attributes[start + len..];
        }
        let mut nlri = &body[4 + attributes_len..];
        let mut prefixes = Vec::new();
        while !nlri.is_empty() {
            let bits = nlri[0] as usize;
            let mut octets = [0; 4];
            octets[..bits.div_ceil(8)].copy_from_slice(&nlri[1..1 + bits.div_ceil(8)]);
            prefixes.push(format!("{}/{bits}", Ipv4Addr::from(octets)));
            nlri = &nlri[1 + bits.div_ceil(8)..];
        }
        (decoded, prefixes)
    }

    /// bench/compare.sh's ROUTE_AWK, in floating point as awk computes it.
    fn awk_prefix(i: u32) -> String {
        let i = f64::from(i);
        format!(
            "{}.{}.{}.0/24",
            16 + (i / 65536.0) as u32,
            (i / 256.0) as u32 % 256,
            i as u32 % 256
        )
    }

    #[test]
    fn open_bytes() {
        let open = encode_open(65001, 180, Ipv4Addr::new(127, 0, 5, 1));
        let messages = split(&open);
        assert_eq!(messages.len(), 1);
        let (kind, body) = messages[0];
        assert_eq!(kind, OPEN);
        assert_eq!(open.len(), 19 + 10 + 16);
        assert_eq!(
            u16::from_be_bytes([open[16], open[17]]) as usize,
            open.len()
        );
        assert_eq!(body[0], 4, "version");
        assert_eq!(body[1..3], 65001u16.to_be_bytes(), "my autonomous system");
        assert_eq!(body[3..5], 180u16.to_be_bytes(), "hold time");
        assert_eq!(body[5..9], [127, 0, 5, 1], "BGP identifier");
        assert_eq!(body[9], 16, "optional parameters length");
        assert_eq!(body[10..12], [2, 14], "one capabilities parameter");
        assert_eq!(
            body[12..18],
            [1, 4, 0, 1, 0, 1],
            "multiprotocol AFI 1 SAFI 1"
        );
        assert_eq!(body[18..20], [2, 0], "route refresh");
        assert_eq!(body[20..22], [65, 4], "four-octet AS");
        assert_eq!(body[22..26], 65001u32.to_be_bytes());
        let parsed = parse_open(body).unwrap();
        assert_eq!(parsed.asn(), 65001);
        assert_eq!(parsed.hold_time, 180);
        assert_eq!(parsed.router_id, Ipv4Addr::new(127, 0, 5, 1));
    }

    #[test]
    fn open_above_65535_uses_as_trans() {
        let open = encode_open(4_200_000_000, 90, Ipv4Addr::new(10, 0, 0, 1));
        let body = &open[HEADER_LEN..];
        assert_eq!(body[1..3], 23456u16.to_be_bytes());
        assert_eq!(body[22..26], 4_200_000_000u32.to_be_bytes());
        let parsed = parse_open(body).unwrap();
        assert_eq!(parsed.two_octet_as, AS_TRANS);
        assert_eq!(parsed.asn(), 4_200_000_000);
    }

    #[test]
    fn peer_open_without_four_octet_as() {
        // version 4, AS 65002, hold 90, id 10.0.0.2, no parameters
        let body = [4, 0xfd, 0xea, 0, 90, 10, 0, 0, 2, 0];
        let parsed = parse_open(&body).unwrap();
        assert_eq!(parsed.four_octet_as, None);
        assert_eq!(parsed.asn(), 65002);
        assert_eq!(
            parse_open(&[3, 0xfd, 0xea, 0, 90, 10, 0, 0, 2, 0])
                .unwrap_err()
                .0,
            1
        );
        assert!(parse_open(&[4, 0xfd, 0xea, 0, 90, 10, 0, 0, 2, 5, 2]).is_err());
    }

    #[test]
    fn first_update_field_by_field() {
        let (bytes, messages) = encode_updates(3, 65001, Ipv4Addr::new(192, 0, 2, 1), false);
        assert_eq!(messages, 1);
        // header: marker, length, type 2 (RFC 4271 §4.1)
        assert_eq!(bytes[..16], [0xff; 16]);
        assert_eq!(
            u16::from_be_bytes([bytes[16], bytes[17]]) as usize,
            bytes.len()
        );
        assert_eq!(bytes.len(), 19 + 2 + 2 + 27 + 3 * 4);
        assert_eq!(bytes[18], UPDATE);
        let body = &bytes[HEADER_LEN..];
        assert_eq!(body[0..2], [0, 0], "withdrawn routes length");
        assert_eq!(
            u16::from_be_bytes([body[2], body[3]]),
            27,
            "total path attribute length"
        );
        let (attributes, prefixes) = decode_update(body);
        let expected: [(u8, u8, &[u8]); 4] = [
            (0x40, 1, &[0]),                      // ORIGIN IGP, well-known transitive
            (0x40, 2, &[2, 1, 0, 0, 0xfd, 0xe9]), // AS_PATH: AS_SEQUENCE of 1, AS 65001 (4 octets)
            (0x40, 3, &[192, 0, 2, 1]),           // NEXT_HOP
            (0x80, 4, &[0, 0, 0, 0]),             // MULTI_EXIT_DISC 0, optional non-transitive
        ];
        assert_eq!(attributes, expected);
        assert_eq!(prefixes, ["16.0.0.0/24", "16.0.1.0/24", "16.0.2.0/24"]);
        // the NLRI octets themselves: length in bits, then the significant octets
        assert_eq!(body[4 + 27..], [24, 16, 0, 0, 24, 16, 0, 1, 24, 16, 0, 2]);
    }

    #[test]
    fn ibgp_adds_local_pref() {
        let (bytes, _) = encode_updates(4, 65000, Ipv4Addr::new(10, 0, 0, 1), true);
        let messages = split(&bytes);
        let (attributes, _) = decode_update(messages[1].1);
        assert_eq!(attributes.len(), 5);
        assert_eq!(
            attributes[3],
            (0x80, 4, &1u32.to_be_bytes()[..]),
            "second UPDATE's MED is 1"
        );
        assert_eq!(
            attributes[4],
            (0x40, 5, &100u32.to_be_bytes()[..]),
            "LOCAL_PREF 100"
        );
    }

    #[test]
    fn message_counts() {
        let count = |n| {
            let (bytes, messages) = encode_updates(n, 65001, DEFAULT_NEXT_HOP, false);
            assert_eq!(split(&bytes).len(), messages);
            messages
        };
        assert_eq!(count(0), 0);
        assert_eq!(count(1), 1);
        assert_eq!(count(6), 2);
        assert_eq!(count(7), 3);
        let (bytes, _) = encode_updates(7, 65001, DEFAULT_NEXT_HOP, false);
        let last = split(&bytes)[2].1;
        assert_eq!(decode_update(last).1, ["16.0.6.0/24"]);
    }

    #[test]
    fn all_prefixes_and_meds_in_order() {
        let n = 66_000; // past the third octet's and the second octet's wrap
        let (bytes, messages) = encode_updates(n, 65001, DEFAULT_NEXT_HOP, false);
        assert_eq!(messages, 22_000);
        let mut seen = Vec::new();
        for (number, (kind, body)) in split(&bytes).into_iter().enumerate() {
            assert_eq!(kind, UPDATE);
            let (attributes, prefixes) = decode_update(body);
            assert_eq!(
                attributes[3].2,
                (number as u32).to_be_bytes(),
                "MED of UPDATE {number}"
            );
            for (k, _) in prefixes.iter().enumerate() {
                assert_eq!(med(seen.len() as u32 + k as u32), number as u32);
            }
            seen.extend(prefixes);
        }
        let expected: Vec<String> = (0..n).map(awk_prefix).collect();
        assert_eq!(seen, expected);
        assert_eq!(seen[65_536], "17.0.0.0/24");
        assert_eq!(awk_prefix(MAX_ROUTES - 1), "223.255.255.0/24");
    }

    #[test]
    fn small_messages() {
        assert_eq!(end_of_rib().len(), 23);
        assert_eq!(split(&end_of_rib()), [(UPDATE, &[0u8, 0, 0, 0][..])]);
        assert_eq!(split(&keepalive()), [(KEEPALIVE, &[][..])]);
        let cease = notification(6, 2, b"bye");
        assert_eq!(
            split(&cease),
            [(NOTIFICATION, &[6u8, 2, b'b', b'y', b'e'][..])]
        );
        assert_eq!(
            describe_notification(&cease[HEADER_LEN..]),
            "NOTIFICATION code 6 (Cease) subcode 2, data 627965 (\"bye\")"
        );
    }

    #[test]
    fn read_message_checks_the_header() {
        let mut both = keepalive();
        both.extend_from_slice(&end_of_rib());
        let mut reader = &both[..];
        assert_eq!(read_message(&mut reader).unwrap(), (KEEPALIVE, vec![]));
        assert_eq!(read_message(&mut reader).unwrap(), (UPDATE, vec![0; 4]));
        assert_eq!(
            read_message(&mut reader).unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
        let mut bad = keepalive();
        bad[3] = 0;
        assert_eq!(
            read_message(&mut &bad[..]).unwrap_err().kind(),
            ErrorKind::InvalidData
        );
        let mut short = keepalive();
        short[17] = 18;
        assert_eq!(
            read_message(&mut &short[..]).unwrap_err().kind(),
            ErrorKind::InvalidData
        );
    }

    #[test]
    fn arguments() {
        let options = parse_args(args(
            "--listen 127.0.5.1:1790 --local-as 65001 --peer-as 65000",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(
            options.mode,
            Mode::Listen("127.0.5.1:1790".parse().unwrap())
        );
        assert_eq!((options.routes, options.hold_time), (1_000_000, 180));
        assert_eq!(
            (options.router_id, options.next_hop, options.bind),
            (None, None, None)
        );
        let options = parse_args(args(
            "--connect 10.0.0.2:179 --bind 10.0.0.1 --local-as=4200000000 --peer-as 65000 \
             --router-id 1.2.3.4 --routes 7 --next-hop 10.0.0.9 --hold-time 0",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(options.bind, Some("10.0.0.1".parse().unwrap()));
        assert_eq!(
            (options.local_as, options.routes, options.hold_time),
            (4_200_000_000, 7, 0)
        );
        assert_eq!(parse_args(args("--help")).unwrap(), None);
        for bad in [
            "--local-as 1 --peer-as 2",
            "--listen 127.0.0.1:179 --connect 127.0.0.1:179 --local-as 1 --peer-as 2",
            "--listen 127.0.0.1 --local-as 1 --peer-as 2",
            "--listen 127.0.0.1:179 --local-as 0 --peer-as 2",
            "--listen 127.0.0.1:179 --peer-as 2",
            "--listen 127.0.0.1:179 --local-as 1 --peer-as 2 --hold-time 2",
            "--listen 127.0.0.1:179 --local-as 1 --peer-as 2 --routes 99999999",
            "--listen 127.0.0.1:179 --local-as 1 --peer-as 2 --bind 127.0.0.1",
            "--listen 127.0.0.1:179 --local-as 1 --peer-as",
            "--listen 127.0.0.1:179 --local-as 1 --peer-as 2 --verbose",
        ] {
            assert!(parse_args(args(bad)).is_err(), "{bad}");
        }
    }
}
