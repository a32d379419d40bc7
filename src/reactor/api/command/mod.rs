//! Ports `exabgp/reactor/api/command/` and `dispatch/{v4,v6}.py`: a line a helper wrote, parsed
//! into a typed [`Command`]. Both syntaxes ExaBGP accepts are read: v4 (`announce route ...`,
//! `neighbor IP announce ...`, `shutdown`) and v6 (`peer IP announce ...`, `daemon shutdown`,
//! `session ack enable`, `rib show in`, ...).
//!
//! Routes are parsed by the configuration's own route code (`configuration::static`,
//! `configuration::announce`), so the API accepts exactly the attributes a configuration does.

pub mod announce;
pub mod neighbor;
pub mod rib;

pub use self::announce::Action;
pub use self::neighbor::{Selection, Selector};
use crate::configuration::core::format::{self, Kind, Token};
use crate::configuration::core::Location;
use std::fmt;

/// How the helper wants acknowledgements (ExaBGP's `enable-ack`, `disable-ack`, `silence-ack`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ack {
    /// `done` / `error` after every command (the default).
    Enable,
    /// No acknowledgement from now on (this command is still acknowledged).
    Disable,
    /// No acknowledgement from now on, this command included.
    Silence,
}

/// What `show neighbor` prints.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NeighborView {
    Summary,
    Extensive,
    Configuration,
}

/// Which routes `show adj-rib` lists (ExaBGP's `inet`, `flow` and `l2vpn` keywords).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Routes {
    All,
    /// IP prefixes (unicast, multicast, labeled, VPN).
    Inet,
    Flow,
    /// VPLS and EVPN.
    L2vpn,
}

/// A direction of the adj-rib.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rib {
    In,
    Out,
}

/// A parsed API command.
#[derive(Clone, PartialEq, Debug)]
pub enum Command {
    Shutdown,
    Reload,
    Restart,
    /// `status [json]`: daemon status, as text lines unless `json`.
    Status {
        json: bool,
    },
    Version,
    Help,
    /// `ping [CLIENT-ID START-TIME] [text]`: answered `pong` with the daemon's id, in JSON
    /// unless `text`.
    Ping {
        text: bool,
    },
    /// `bye`: the helper is leaving.
    Bye,
    /// `reset`: drop the helper's queued asynchronous commands.
    Reset,
    Ack(Ack),
    /// `show neighbor [IP] [summary|extensive|configuration] [json|text]`.
    ShowNeighbor {
        selection: Selection,
        view: NeighborView,
        /// `json` was asked (ExaBGP answers JSON with API version 6 whatever is asked).
        json: bool,
    },
    /// `show adj-rib in|out [extensive] [inet|flow|l2vpn] [json] [IP]`.
    ShowAdjRib {
        rib: Rib,
        extensive: bool,
        routes: Routes,
        json: bool,
        selection: Selection,
    },
    /// `flush adj-rib out`: send the adj-rib-out again.
    FlushAdjRibOut {
        selection: Selection,
    },
    /// `clear adj-rib in|out`.
    ClearAdjRib {
        rib: Rib,
        selection: Selection,
    },
    /// `create neighbor IP { ... }`: the neighbour's configuration text.
    CreateNeighbor {
        configuration: String,
    },
    /// `delete neighbor IP ...`.
    DeleteNeighbor {
        selection: Selection,
    },
    /// An action for the selected peers (announce, withdraw, teardown, ...).
    Peers {
        selection: Selection,
        action: Action,
    },
    /// A comment (`# ...`): nothing to do.
    Comment,
    /// `group CMD ; CMD ...`: applied together, acknowledged once. A leading `attributes ...`
    /// part gives its attributes to the routes of the others that do not set them.
    Group(Vec<Command>),
    /// `group start`: the helper's `announce`/`withdraw` commands are kept until `group end`,
    /// then applied together.
    GroupStart,
    GroupEnd,
}

/// Why a line is not a command, and where.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParseError {
    /// 1-based column in the line.
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

impl From<crate::configuration::core::Error> for ParseError {
    fn from(error: crate::configuration::core::Error) -> ParseError {
        ParseError {
            column: error.location.column,
            message: error.message,
        }
    }
}

/// A cursor over the words of a command line.
pub(crate) struct Cursor<'a> {
    tokens: &'a [Token<'a>],
    index: usize,
    /// Where the line ends, for "missing word" errors.
    end: Location,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.index).map(|t| &*t.text)
    }

    fn skip(&mut self) {
        self.index += 1;
    }

    fn accept(&mut self, word: &str) -> bool {
        let found = self.tokens.get(self.index).and_then(Token::word) == Some(word);
        if found {
            self.index += 1;
        }
        found
    }

    fn location(&self) -> Location {
        self.tokens.get(self.index).map_or(self.end, |t| t.location)
    }

    fn next(&mut self, what: &str) -> Result<&'a str, ParseError> {
        let word = self.peek().ok_or_else(|| self.expected(what))?;
        self.index += 1;
        Ok(word)
    }

    fn expected(&self, what: &str) -> ParseError {
        let got = match self.peek() {
            Some(word) => format!("'{word}'"),
            None => "the end of the command".into(),
        };
        ParseError {
            column: self.location().column,
            message: format!("expected {what}, got {got}"),
        }
    }

    fn error_at_previous(&self, message: String) -> ParseError {
        let column = self
            .tokens
            .get(self.index.saturating_sub(1))
            .map_or(self.end.column, |t| t.location.column);
        ParseError { column, message }
    }

    /// The tokens from the current one (inclusive) to the end.
    fn rest(&self) -> &'a [Token<'a>] {
        self.tokens.get(self.index..).unwrap_or(&[])
    }

    fn finish(&self) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(word) => Err(ParseError {
                column: self.location().column,
                message: format!("unexpected '{word}' at the end of the command"),
            }),
        }
    }
}

/// Parses one line a helper wrote.
pub fn parse(line: &str) -> Result<Command, ParseError> {
    let line = line.trim();
    if line.is_empty() {
        return Err(ParseError {
            column: 1,
            message: "empty command".into(),
        });
    }
    if line.starts_with('#') {
        return Ok(Command::Comment);
    }
    let tokens = format::tokens(line)?;
    if tokens.first().and_then(Token::word) == Some("group") {
        match tokens.get(1..).unwrap_or(&[]) {
            [word] if word.text == "start" => return Ok(Command::GroupStart),
            [word] if word.text == "end" => return Ok(Command::GroupEnd),
            _ => return group(&tokens[1..], line),
        }
    }
    let create = matches!(
        tokens.iter().take(2).map(|t| &*t.text).collect::<Vec<_>>()[..],
        ["create", _] | ["peer", "create"]
    );
    // `;`, `{` and `}` only belong to a neighbour definition, or to the sections of a flow rule
    // after `announce|withdraw flow` (`announce flow route { match { ... } then { ... } }`)
    let flow = flow_start(&tokens);
    if let Some(token) = tokens.iter().enumerate().find_map(|(index, t)| {
        let structural = !matches!(t.kind, Kind::Word | Kind::Quoted);
        (structural && !create && flow.map_or(true, |start| index < start)).then_some(t)
    }) {
        return Err(ParseError {
            column: token.location.column,
            message: format!("unexpected '{}' in a command", token.text),
        });
    }
    let end = end_of(line);
    let mut cursor = Cursor {
        tokens: &tokens,
        index: 0,
        end,
    };
    let command = command(&mut cursor)?;
    Ok(command)
}

/// Where the words after `announce flow` / `withdraw flow` start, when the line is one.
fn flow_start(tokens: &[Token]) -> Option<usize> {
    tokens
        .windows(2)
        .position(|pair| {
            matches!(pair[0].word(), Some("announce" | "withdraw"))
                && pair[1].word() == Some("flow")
        })
        .map(|verb| verb + 2)
}

fn end_of(line: &str) -> Location {
    Location {
        line: 1,
        column: line.chars().count() as u32 + 1,
    }
}

/// `group` followed by commands separated by `;` (ExaBGP's `group_inline`).
fn group(tokens: &[Token], line: &str) -> Result<Command, ParseError> {
    let end = end_of(line);
    let mut shared: Vec<crate::configuration::Field> = Vec::new();
    let mut commands = Vec::new();
    for (index, part) in tokens
        .split(|t| t.kind == Kind::End)
        .filter(|part| !part.is_empty())
        .enumerate()
    {
        if let Some(token) = part
            .iter()
            .find(|t| !matches!(t.kind, Kind::Word | Kind::Quoted))
        {
            return Err(ParseError {
                column: token.location.column,
                message: format!("unexpected '{}' in a command", token.text),
            });
        }
        if index == 0 && matches!(&*part[0].text, "attributes" | "attribute") {
            let statement = crate::configuration::core::parser::Statement {
                words: part.iter().cloned().map(Token::into_owned).collect(),
                end,
            };
            let mut words = statement.args();
            while let Some(token) = words.peek() {
                words.token("")?;
                let value =
                    crate::configuration::r#static::route::attribute(&token.text, &mut words)?
                        .ok_or_else(|| ParseError {
                            column: token.location.column,
                            message: format!("unknown attribute '{}'", token.text),
                        })?;
                shared.push(crate::configuration::Field {
                    keyword: crate::configuration::r#static::route::keyword(&token.text),
                    value,
                    location: token.location,
                });
            }
            continue;
        }
        let mut cursor = Cursor {
            tokens: part,
            index: 0,
            end,
        };
        let mut command = command(&mut cursor)?;
        let shares = |fields: &mut Vec<crate::configuration::Field>| {
            for field in &shared {
                if !fields.iter().any(|f| f.keyword == field.keyword) {
                    fields.push(field.clone());
                }
            }
        };
        match &mut command {
            Command::Peers {
                action: Action::Announce(routes) | Action::Withdraw(routes),
                ..
            } => routes
                .iter_mut()
                .for_each(|route| shares(&mut route.fields)),
            // a flow rule's attributes are with its actions
            Command::Peers {
                action: Action::AnnounceFlow(flows) | Action::WithdrawFlow(flows),
                ..
            } => flows.iter_mut().for_each(|flow| shares(&mut flow.then)),
            _ => {}
        }
        commands.push(command);
    }
    if commands.is_empty() {
        return Err(ParseError {
            column: 1,
            message: "empty group".into(),
        });
    }
    Ok(Command::Group(commands))
}

fn simple(command: Command, cursor: &Cursor<'_>) -> Result<Command, ParseError> {
    cursor.finish()?;
    Ok(command)
}

fn command(cursor: &mut Cursor<'_>) -> Result<Command, ParseError> {
    let first = cursor.next("a command")?;
    match first {
        "shutdown" => simple(Command::Shutdown, cursor),
        "reload" => simple(Command::Reload, cursor),
        "restart" => simple(Command::Restart, cursor),
        "status" => status(cursor),
        "version" => simple(Command::Version, cursor),
        "help" => simple(Command::Help, cursor),
        "ping" => Ok(ping(cursor)),
        "bye" => simple(Command::Bye, cursor),
        "reset" => simple(Command::Reset, cursor),
        "enable-ack" => simple(Command::Ack(Ack::Enable), cursor),
        "disable-ack" => simple(Command::Ack(Ack::Disable), cursor),
        "silence-ack" => simple(Command::Ack(Ack::Silence), cursor),
        "daemon" => match cursor.next("shutdown, reload, restart or status after 'daemon'")? {
            "shutdown" => simple(Command::Shutdown, cursor),
            "reload" => simple(Command::Reload, cursor),
            "restart" => simple(Command::Restart, cursor),
            "status" => status(cursor),
            other => Err(cursor.error_at_previous(format!(
                "unknown daemon command '{other}': expected shutdown, reload, restart or status"
            ))),
        },
        "session" => match cursor.next("ack, ping, bye or reset after 'session'")? {
            "ack" => {
                let ack = match cursor.next("enable, disable or silence after 'ack'")? {
                    "enable" => Ack::Enable,
                    "disable" => Ack::Disable,
                    "silence" => Ack::Silence,
                    other => {
                        return Err(cursor.error_at_previous(format!(
                            "unknown ack mode '{other}': expected enable, disable or silence"
                        )))
                    }
                };
                simple(Command::Ack(ack), cursor)
            }
            "ping" => Ok(ping(cursor)),
            "bye" => simple(Command::Bye, cursor),
            "reset" => simple(Command::Reset, cursor),
            other => Err(cursor.error_at_previous(format!(
                "unknown session command '{other}': expected ack, ping, bye or reset"
            ))),
        },
        "system" => match cursor.next("help or version after 'system'")? {
            "help" => simple(Command::Help, cursor),
            "version" => simple(Command::Version, cursor),
            other => Err(cursor.error_at_previous(format!(
                "unknown system command '{other}': expected help or version"
            ))),
        },
        "show" => show(cursor),
        "rib" => rib(cursor),
        "flush" => {
            expect(cursor, "adj-rib")?;
            expect(cursor, "out")?;
            let selection = trailing_selection(cursor)?;
            Ok(Command::FlushAdjRibOut { selection })
        }
        "clear" => {
            expect(cursor, "adj-rib")?;
            let rib = direction(cursor)?;
            let selection = trailing_selection(cursor)?;
            Ok(Command::ClearAdjRib { rib, selection })
        }
        "create" => {
            expect(cursor, "neighbor")?;
            create(cursor)
        }
        "delete" => {
            expect(cursor, "neighbor")?;
            let selection = neighbor::selection(cursor)?;
            simple(Command::DeleteNeighbor { selection }, cursor)
        }
        "neighbor" | "peer" => {
            if first == "peer" {
                match cursor.peek() {
                    Some("create") => {
                        cursor.skip();
                        return create(cursor);
                    }
                    Some("delete") => {
                        cursor.skip();
                        let selection = neighbor::selection(cursor)?;
                        return simple(Command::DeleteNeighbor { selection }, cursor);
                    }
                    Some("show") => {
                        cursor.skip();
                        return show_neighbor(cursor, Selection::All);
                    }
                    Some("list") => {
                        cursor.skip();
                        return simple(
                            Command::ShowNeighbor {
                                selection: Selection::All,
                                view: NeighborView::Summary,
                                json: true,
                            },
                            cursor,
                        );
                    }
                    _ => {}
                }
            }
            let selection = neighbor::selection(cursor)?;
            // `neighbor IP show ...` (the CLI's order) and v6 `peer IP show ...`
            if cursor.accept("show") {
                return show_neighbor(cursor, selection);
            }
            peer_action(cursor, selection)
        }
        "announce" | "withdraw" | "teardown" => {
            cursor.index -= 1;
            peer_action(cursor, Selection::All)
        }
        other => Err(cursor.error_at_previous(format!("unknown command '{other}'"))),
    }
}

/// ExaBGP's ping takes an optional client id and start time, which it records in a table
/// nothing reads: every client gets the same answer, which only the `text` keyword changes.
fn ping(cursor: &mut Cursor<'_>) -> Command {
    let text = cursor
        .rest()
        .iter()
        .any(|t| t.text.eq_ignore_ascii_case("text"));
    cursor.index = cursor.tokens.len();
    Command::Ping { text }
}

fn status(cursor: &mut Cursor<'_>) -> Result<Command, ParseError> {
    let json = cursor.accept("json");
    if !json {
        cursor.accept("text");
    }
    simple(Command::Status { json }, cursor)
}

fn expect(cursor: &mut Cursor<'_>, word: &str) -> Result<(), ParseError> {
    if cursor.accept(word) {
        Ok(())
    } else {
        Err(cursor.expected(&format!("'{word}'")))
    }
}

fn direction(cursor: &mut Cursor<'_>) -> Result<Rib, ParseError> {
    match cursor.next("'in' or 'out'")? {
        "in" => Ok(Rib::In),
        "out" => Ok(Rib::Out),
        other => Err(cursor.error_at_previous(format!("expected 'in' or 'out', got '{other}'"))),
    }
}

/// An optional neighbour address at the end of `show`/`flush`/`clear` (`show adj-rib out 10.0.0.1`).
fn trailing_selection(cursor: &mut Cursor<'_>) -> Result<Selection, ParseError> {
    if cursor.peek().is_none() {
        return Ok(Selection::All);
    }
    if !(cursor.accept("neighbor") || cursor.accept("peer")) && cursor.peek() == Some("*") {
        cursor.skip();
        cursor.finish()?;
        return Ok(Selection::All);
    }
    let selection = neighbor::selection(cursor)?;
    cursor.finish()?;
    Ok(selection)
}

fn show(cursor: &mut Cursor<'_>) -> Result<Command, ParseError> {
    match cursor.next("'neighbor' or 'adj-rib' after 'show'")? {
        "neighbor" | "neighbors" => show_neighbor(cursor, Selection::All),
        "adj-rib" => {
            let rib = direction(cursor)?;
            show_adj_rib(cursor, rib)
        }
        other => Err(cursor.error_at_previous(format!(
            "unknown show command '{other}': expected neighbor or adj-rib"
        ))),
    }
}

fn show_neighbor(cursor: &mut Cursor<'_>, mut selection: Selection) -> Result<Command, ParseError> {
    let mut view = NeighborView::Summary;
    let mut json = false;
    while let Some(word) = cursor.peek() {
        match word {
            "summary" => view = NeighborView::Summary,
            "extensive" => view = NeighborView::Extensive,
            "configuration" => view = NeighborView::Configuration,
            "json" => json = true,
            "text" => json = false,
            _ => {
                selection = Selection::Any(vec![Selector {
                    peer: Some(word.parse().map_err(|_| {
                        cursor.expected(
                            "summary, extensive, configuration, json, text or a neighbour address",
                        )
                    })?),
                    ..Selector::default()
                }]);
            }
        }
        cursor.skip();
    }
    Ok(Command::ShowNeighbor {
        selection,
        view,
        json,
    })
}

fn show_adj_rib(cursor: &mut Cursor<'_>, rib: Rib) -> Result<Command, ParseError> {
    let (mut extensive, mut json, mut routes) = (false, false, Routes::All);
    // ExaBGP takes its keywords anywhere after the direction, before or after the neighbour
    let mut keywords = |cursor: &mut Cursor<'_>| {
        while let Some(word) = cursor.peek() {
            match word {
                "extensive" => extensive = true,
                "json" => json = true,
                "text" => json = false,
                "inet" => routes = Routes::Inet,
                "flow" => routes = Routes::Flow,
                "l2vpn" => routes = Routes::L2vpn,
                _ => break,
            }
            cursor.skip();
        }
    };
    keywords(cursor);
    let mut selection = Selection::All;
    if cursor.peek().is_some() {
        let named = cursor.accept("neighbor") || cursor.accept("peer");
        if !named && cursor.peek() == Some("*") {
            cursor.skip();
        } else {
            selection = neighbor::selection(cursor)?;
        }
    }
    keywords(cursor);
    cursor.finish()?;
    Ok(Command::ShowAdjRib {
        rib,
        extensive,
        routes,
        json,
        selection,
    })
}

/// v6 `rib show|flush|clear in|out ...`.
fn rib(cursor: &mut Cursor<'_>) -> Result<Command, ParseError> {
    match cursor.next("show, flush or clear after 'rib'")? {
        "show" => {
            let rib = direction(cursor)?;
            show_adj_rib(cursor, rib)
        }
        "flush" => {
            expect(cursor, "out")?;
            let selection = trailing_selection(cursor)?;
            Ok(Command::FlushAdjRibOut { selection })
        }
        "clear" => {
            let rib = direction(cursor)?;
            let selection = trailing_selection(cursor)?;
            Ok(Command::ClearAdjRib { rib, selection })
        }
        other => Err(cursor.error_at_previous(format!(
            "unknown rib command '{other}': expected show, flush or clear"
        ))),
    }
}

/// `create neighbor IP { ... }`: the configuration is kept as text, checked when applied.
fn create(cursor: &mut Cursor<'_>) -> Result<Command, ParseError> {
    let rest = cursor.rest();
    if rest.is_empty() {
        return Err(cursor.expected("a neighbour definition"));
    }
    let words: Vec<&str> = rest.iter().map(|t| &*t.text).collect();
    Ok(Command::CreateNeighbor {
        configuration: format!("neighbor {}", words.join(" ")),
    })
}

fn peer_action(cursor: &mut Cursor<'_>, selection: Selection) -> Result<Command, ParseError> {
    let action = announce::action(cursor)?;
    Ok(Command::Peers { selection, action })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::Value;
    use crate::protocol::family::{Afi, Family, Safi};

    fn peers(line: &str) -> (Selection, Action) {
        match parse(line).unwrap() {
            Command::Peers { selection, action } => (selection, action),
            other => panic!("{line}: {other:?}"),
        }
    }

    fn error(line: &str) -> String {
        parse(line).unwrap_err().to_string()
    }

    #[test]
    fn daemon_and_session_commands_in_both_syntaxes() {
        for (v4, v6, command) in [
            ("shutdown", "daemon shutdown", Command::Shutdown),
            ("reload", "daemon reload", Command::Reload),
            ("restart", "daemon restart", Command::Restart),
            ("status", "daemon status", Command::Status { json: false }),
            ("version", "system version", Command::Version),
            ("help", "system help", Command::Help),
            (
                "enable-ack",
                "session ack enable",
                Command::Ack(Ack::Enable),
            ),
            (
                "disable-ack",
                "session ack disable",
                Command::Ack(Ack::Disable),
            ),
            (
                "silence-ack",
                "session ack silence",
                Command::Ack(Ack::Silence),
            ),
            ("ping", "session ping", Command::Ping { text: false }),
            (
                "ping text",
                "session ping 1234 1700000000.5 text",
                Command::Ping { text: true },
            ),
            (
                "status json",
                "daemon status json",
                Command::Status { json: true },
            ),
        ] {
            assert_eq!(parse(v4).unwrap(), command, "{v4}");
            assert_eq!(parse(v6).unwrap(), command, "{v6}");
        }
    }

    #[test]
    fn announce_route_keeps_every_attribute() {
        let (selection, action) =
            peers("announce route 10.0.0.0/24 next-hop 1.2.3.4 med 20 community [65000:1 65000:2]");
        assert_eq!(selection, Selection::All);
        let Action::Announce(routes) = action else {
            panic!("{action:?}")
        };
        assert_eq!(routes.len(), 1);
        assert_eq!(routes[0].family, Family::IPV4_UNICAST);
        assert_eq!(routes[0].prefix, Some(("10.0.0.0".parse().unwrap(), 24)));
        assert_eq!(routes[0].field("med"), Some(&Value::Number(20)));
        assert_eq!(
            routes[0].field("community"),
            Some(&Value::Words(vec!["65000:1".into(), "65000:2".into()]))
        );
    }

    #[test]
    fn selectors_v4_comma_list_and_v6_brackets() {
        let (selection, action) = peers(
            "neighbor 10.0.0.1 local-as 65000 peer-as 65001 , neighbor 10.0.0.2 router-id 1.1.1.1 withdraw route 10.0.0.0/8",
        );
        let Selection::Any(selectors) = selection else {
            panic!()
        };
        assert_eq!(selectors.len(), 2);
        assert_eq!(selectors[0].peer, Some("10.0.0.1".parse().unwrap()));
        assert_eq!(selectors[0].local_as, Some(65000));
        assert_eq!(selectors[0].peer_as, Some(65001));
        assert_eq!(selectors[1].router_id, Some("1.1.1.1".parse().unwrap()));
        assert!(matches!(action, Action::Withdraw(_)));

        let (selection, _) = peers("peer [ 10.0.0.1 local-ip 10.0.0.254, 10.0.0.2 ] announce eor");
        let Selection::Any(selectors) = selection else {
            panic!()
        };
        assert_eq!(selectors.len(), 2);
        assert_eq!(selectors[0].local_ip, Some("10.0.0.254".parse().unwrap()));

        let (selection, _) = peers("neighbor * announce route 1.0.0.0/8 next-hop self");
        assert_eq!(selection, Selection::Any(vec![Selector::default()]));
    }

    #[test]
    fn attributes_nlri_make_one_route_per_prefix() {
        let (_, action) = peers(
            "announce attributes next-hop 10.0.0.1 local-preference 200 nlri 1.0.0.0/24 2001:db8::/32",
        );
        let Action::Announce(routes) = action else {
            panic!()
        };
        assert_eq!(routes.len(), 2);
        assert_eq!(routes[1].family, Family::IPV6_UNICAST);
        assert_eq!(
            routes[1].field("local-preference"),
            Some(&Value::Number(200))
        );
    }

    #[test]
    fn family_commands() {
        assert_eq!(
            peers("announce eor ipv6 unicast").1,
            Action::Eor(Some(Family::IPV6_UNICAST))
        );
        assert_eq!(peers("announce eor").1, Action::Eor(None));
        assert_eq!(
            peers("announce route-refresh ipv4 unicast").1,
            Action::RouteRefresh(Family::IPV4_UNICAST)
        );
        assert_eq!(
            peers("neighbor 127.0.0.1 teardown 2").1,
            Action::Teardown(2)
        );
        assert_eq!(
            peers("withdraw watchdog dog1").1,
            Action::Watchdog {
                announce: false,
                name: "dog1".into()
            }
        );
        let Action::Announce(routes) = peers("announce ipv6 unicast 2001:db8::/32 next-hop ::1").1
        else {
            panic!()
        };
        assert_eq!(routes[0].family, Family::IPV6_UNICAST);
        let Action::Operational(message) =
            peers("announce operational adm afi ipv4 safi unicast advisory \"hello\"").1
        else {
            panic!()
        };
        assert_eq!(message.name, "adm");
        assert_eq!(message.fields, vec![("advisory".into(), "hello".into())]);
    }

    #[test]
    fn show_flush_clear() {
        assert_eq!(
            parse("show neighbor extensive").unwrap(),
            Command::ShowNeighbor {
                selection: Selection::All,
                view: NeighborView::Extensive,
                json: false,
            }
        );
        assert_eq!(
            parse("show adj-rib out extensive").unwrap(),
            Command::ShowAdjRib {
                rib: Rib::Out,
                extensive: true,
                routes: Routes::All,
                json: false,
                selection: Selection::All
            }
        );
        let one = Selection::Any(vec![Selector {
            peer: Some("10.0.0.1".parse().unwrap()),
            ..Selector::default()
        }]);
        let summary = Command::ShowNeighbor {
            selection: one.clone(),
            view: NeighborView::Summary,
            json: true,
        };
        assert_eq!(
            parse("show neighbor 10.0.0.1 summary json").unwrap(),
            summary
        );
        assert_eq!(
            parse("neighbor 10.0.0.1 show summary json").unwrap(),
            summary
        );
        assert_eq!(parse("peer 10.0.0.1 show json").unwrap(), summary);
        assert_eq!(
            parse("show adj-rib in json flow 10.0.0.1").unwrap(),
            Command::ShowAdjRib {
                rib: Rib::In,
                extensive: false,
                routes: Routes::Flow,
                json: true,
                selection: one,
            }
        );
        assert_eq!(
            parse("show adj-rib in 10.0.0.1 json flow").unwrap(),
            parse("show adj-rib in json flow 10.0.0.1").unwrap()
        );
        assert!(parse("show adj-rib in 10.0.0.1 bogus").is_err());
        assert!(parse("show neighbor bogus").is_err());
        assert_eq!(
            parse("rib show in").unwrap(),
            parse("show adj-rib in").unwrap()
        );
        assert_eq!(
            parse("flush adj-rib out").unwrap(),
            Command::FlushAdjRibOut {
                selection: Selection::All
            }
        );
        assert!(matches!(
            parse("clear adj-rib in").unwrap(),
            Command::ClearAdjRib { rib: Rib::In, .. }
        ));
    }

    #[test]
    fn group_shares_attributes_and_keeps_each_command() {
        let Command::Group(parts) = parse(
            "group attributes local-preference 200 med 5 ; withdraw route 10.0.0.0/24 ; announce route 10.0.1.0/24 next-hop 1.2.3.4 med 7",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(parts.len(), 2);
        let Command::Peers {
            action: Action::Withdraw(withdrawn),
            ..
        } = &parts[0]
        else {
            panic!()
        };
        assert_eq!(
            withdrawn[0].field("local-preference"),
            Some(&Value::Number(200))
        );
        let Command::Peers {
            action: Action::Announce(announced),
            ..
        } = &parts[1]
        else {
            panic!()
        };
        // its own value wins
        assert_eq!(announced[0].field("med"), Some(&Value::Number(7)));
        assert!(error("group").contains("empty group"));
        assert_eq!(parse("group start").unwrap(), Command::GroupStart);
        assert_eq!(parse("group end").unwrap(), Command::GroupEnd);
        assert!(error("group attributes colour 1 ; announce eor").contains("colour"));
    }

    #[test]
    fn errors_name_what_was_wrong() {
        assert_eq!(
            error("frobnicate"),
            "column 1: unknown command 'frobnicate'"
        );
        assert!(error("announce route 10.0.0.0/24 next-hop 1.2.3.4 med x").contains("med"));
        assert!(error("announce route 10.0.0.0/24 colour blue")
            .contains("unknown route keyword 'colour'"));
        assert!(error("announce route banana").contains("IP prefix"));
        assert!(error("neighbor 10.0.0.300 announce eor").contains("10.0.0.300"));
        assert!(error("announce eor ipv5 unicast").contains("unknown AFI 'ipv5'"));
        assert!(error("teardown").contains("Cease subcode"));
        assert!(error("shutdown now").contains("unexpected 'now'"));
        assert!(error("announce attributes next-hop 1.2.3.4 nlri").contains("prefix"));
        assert!(error("").contains("empty"));
    }

    fn flow(line: &str) -> (bool, crate::configuration::flow::FlowRoute) {
        match peers(line).1 {
            Action::AnnounceFlow(mut flows) if flows.len() == 1 => (true, flows.remove(0)),
            Action::WithdrawFlow(mut flows) if flows.len() == 1 => (false, flows.remove(0)),
            other => panic!("{line}: {other:?}"),
        }
    }

    fn keywords(fields: &[crate::configuration::Field]) -> Vec<&str> {
        fields.iter().map(|f| &*f.keyword).collect()
    }

    #[test]
    fn flow_rule_in_sections_as_exabgp_helpers_write_it() {
        let (announce, rule) = flow(
            "announce flow route { match { source 0.0.0.0/32; destination 0.0.0.0/32; \
             destination-port =3128; protocol tcp; } then { rate-limit 0; } }",
        );
        assert!(announce);
        assert_eq!(rule.family, Family::new(Afi::IPV4, Safi::FLOW_IP));
        assert_eq!(
            keywords(&rule.matches),
            ["source", "destination", "destination-port", "protocol"]
        );
        assert_eq!(rule.matches[2].value, Value::Words(vec!["=3128".into()]));
        assert_eq!(keywords(&rule.then), ["rate-limit"]);
        assert_eq!(rule.then[0].value, Value::Number(0));

        // sections in any order, scope included; a withdraw needs no then
        let (_, rule) = flow(
            "announce flow route { match { source 8.8.8.8/32; } then { discard; } \
             scope { interface-set [ non-transitive:input:3405770241:1 transitive:output:254:254 ]; } }",
        );
        assert_eq!(keywords(&rule.scope), ["interface-set"]);
        let (announce, rule) =
            flow("withdraw flow route { match { source 0.0.0.0/32; destination-port =3128; } }");
        assert!(!announce);
        assert!(rule.then.is_empty());

        // IPv6 from the prefixes, flow-vpn from the rd, v6 peer selection
        let (_, rule) = flow(
            "peer 127.0.0.1 announce flow route { rd 65000:1; match { destination 2001:db8::/32; \
             next-header udp; } then { redirect 65000:12; mark 10; action sample; } }",
        );
        assert_eq!(rule.family, Family::new(Afi::IPV6, Safi::FLOW_VPN));
        assert_eq!(keywords(&rule.then), ["redirect", "mark", "action"]);

        // `route` may be left out; any neighbour
        let (_, rule) =
            flow("peer * announce flow match { source 10.0.0.0/8; } then { redirect-to-nexthop; }");
        assert_eq!(keywords(&rule.matches), ["source"]);
        assert_eq!(keywords(&rule.then), ["redirect-to-nexthop"]);
    }

    #[test]
    fn flow_rule_on_one_line() {
        let (_, rule) =
            flow("announce flow route source 1.2.3.4/32 destination 5.6.7.0/24 rate-limit 9600");
        assert_eq!(keywords(&rule.matches), ["source", "destination"]);
        assert_eq!(rule.then[0].value, Value::Number(9600));
        let (_, rule) = flow("announce flow route destination 133.130.1.19/32 interface-set [ transitive:input:1234:10 ] discard");
        assert_eq!(keywords(&rule.then), ["discard"]);
        assert_eq!(keywords(&rule.scope), ["interface-set"]);
        let (_, rule) = flow("announce flow route source 10.0.0.0/8 rate-limit 1000 packets copy 1.2.3.4 redirect-to-nexthop-ietf 1.2.3.4;");
        assert_eq!(
            rule.then[0].value,
            Value::Words(vec!["1000".into(), "packets".into()])
        );
        assert_eq!(
            keywords(&rule.then),
            ["rate-limit", "copy", "redirect-to-nexthop-ietf"]
        );
        // the action texts ExaBGP prints are read back from an extended-community list
        let (_, rule) = flow(
            "announce ipv4 flow source-ipv4 10.0.0.0/24 extended-community \
             [ rate-limit:1000:packets mark 10 action sample-terminal target:65000:1 \
             interface-set:transitive:input:1234:10 ]",
        );
        assert_eq!(
            keywords(&rule.then),
            ["rate-limit", "mark", "action", "extended-community"]
        );
        assert_eq!(
            rule.then[3].value,
            Value::Words(vec!["target:65000:1".into()])
        );
        assert_eq!(keywords(&rule.scope), ["interface-set"]);
    }

    #[test]
    fn flow_errors_name_what_was_wrong() {
        let bad_component = error(
            "announce flow route { match { source 1.2.3.4/32; colour red; } then { discard; } }",
        );
        assert!(
            bad_component.contains("unknown flow match 'colour'"),
            "{bad_component}"
        );
        let bad_action =
            error("announce flow route { match { source 1.2.3.4/32; } then { explode; } }");
        assert!(
            bad_action.contains("unknown flow action 'explode'"),
            "{bad_action}"
        );
        let bad_value = error("announce flow route { match { destination-port =http; } }");
        assert!(bad_value.contains("'destination-port'"), "{bad_value}");
        let bad_rate = error("announce flow route source 1.2.3.4/32 rate-limit fast");
        assert!(bad_rate.contains("rate"), "{bad_rate}");
        // `then` without its block, with or without the `;`
        let missing_then = error("announce flow route { match { source 1.2.3.4/32; } then }");
        assert!(missing_then.contains("'then'"), "{missing_then}");
        let missing_then = error("announce flow route { match { source 1.2.3.4/32; } then; }");
        assert!(
            missing_then.contains("'then' needs its block"),
            "{missing_then}"
        );
        for empty in [
            "announce flow",
            "announce flow route",
            "withdraw flow route { }",
            "announce flow route { then { discard; } }",
        ] {
            assert!(
                error(empty).contains("at least one match component"),
                "{empty}"
            );
        }
        assert!(error("announce flow route { match { source 1.2.3.4/32; } ").contains("not closed"));
        assert!(
            error("announce flow route { match { source 1.2.3.4/32; source ::1/128; } }")
                .contains("mix IPv4 and IPv6")
        );
        assert!(error("announce flow route { match { source 1.2.3.4/32; } } route { match { source 1.2.3.5/32; } }")
            .contains("one flow route per command"));
        // braces still belong to flow rules only
        assert!(error("announce route 10.0.0.0/8 next-hop 1.1.1.1 { }").contains("unexpected '{'"));
    }
}
