//! Ports `exabgp/configuration/core/parser.py` and `section.py`: statements grouped into
//! sections, and a cursor over a statement's words with the value parsers ExaBGP's sections use
//! (`exabgp/configuration/parser.py`).

use super::format::{Kind, Token};
use super::{Error, Location, Result};
use std::net::{IpAddr, Ipv4Addr};

/// A statement (`words ;`) or a section (`words { body }`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Node {
    Statement(Statement),
    Section(Section),
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Statement {
    /// Never empty: an empty statement (`;` alone) is skipped.
    pub words: Vec<Token<'static>>,
    /// Where the `;` is, for "missing value" errors.
    pub end: Location,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Section {
    /// Never empty: the section keyword, then its arguments (`neighbor 127.0.0.1`).
    pub words: Vec<Token<'static>>,
    pub body: Vec<Node>,
    /// Where the `{` is.
    pub open: Location,
    /// Route statements read straight from the token stream instead of kept in `body`
    /// (`configuration::Reader`): (how many nodes of `body` come before them, the index of
    /// the group they were read into).
    pub routes: Vec<(usize, usize)>,
}

impl Section {
    pub fn keyword(&self) -> &str {
        &self.words[0].text
    }
    pub fn location(&self) -> Location {
        self.words[0].location
    }
    /// A cursor over the words after the keyword, ending at the `{`.
    pub fn args(&self) -> Words<'_> {
        Words::new(&self.words, self.open)
    }
}

impl Statement {
    pub fn keyword(&self) -> &str {
        &self.words[0].text
    }
    pub fn location(&self) -> Location {
        self.words[0].location
    }
    /// A cursor over the words after the keyword, ending at the `;`.
    pub fn args(&self) -> Words<'_> {
        Words::new(&self.words, self.end)
    }
}

/// Builds the section tree from tokens.
pub fn tree(tokens: &[Token<'_>]) -> Result<Vec<Node>> {
    let mut tree = Tree::default();
    for token in tokens {
        tree.push(token.clone())?;
    }
    tree.finish()
}

/// The section tree, built one token at a time (see `format::tokenize`), so that a token
/// is moved into its statement rather than kept in a list and copied.
#[derive(Default)]
pub struct Tree {
    stack: Vec<(Section, Vec<Node>)>,
    top: Vec<Node>,
    words: Vec<Token<'static>>,
}

impl Tree {
    pub fn push(&mut self, token: Token<'_>) -> Result<()> {
        let Tree { stack, top, words } = self;
        match token.kind {
            Kind::Word | Kind::Quoted => words.push(token.into_owned()),
            Kind::End => {
                if !words.is_empty() {
                    let node = Node::Statement(Statement {
                        words: std::mem::take(words),
                        end: token.location,
                    });
                    stack
                        .last_mut()
                        .map(|(_, body)| body)
                        .unwrap_or(top)
                        .push(node);
                }
            }
            Kind::Open => {
                if words.is_empty() || words[0].kind != Kind::Word {
                    return Err(Error::new(
                        token.location,
                        "expected a section name before '{'",
                    ));
                }
                let section = Section {
                    words: std::mem::take(words),
                    body: Vec::new(),
                    open: token.location,
                    routes: Vec::new(),
                };
                stack.push((section, Vec::new()));
            }
            Kind::Close => {
                let Some((mut section, mut body)) = stack.pop() else {
                    return Err(Error::new(
                        token.location,
                        "unexpected '}' with no section to close",
                    ));
                };
                // ExaBGP's tokeniser ends a statement at '}' as at ';' (`family { all }`,
                // written by its own qa tools); its parser then drops that statement, which
                // exabgp-rs runs instead (docs/deviations.md)
                if !words.is_empty() {
                    body.push(Node::Statement(Statement {
                        words: std::mem::take(words),
                        end: token.location,
                    }));
                }
                // a section of a million routes would otherwise keep up to twice the room
                body.shrink_to_fit();
                section.body = body;
                stack
                    .last_mut()
                    .map(|(_, body)| body)
                    .unwrap_or(top)
                    .push(Node::Section(section));
            }
        }
        Ok(())
    }

    /// The keywords of the sections the next token is in, innermost last.
    pub fn path(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.stack.iter().map(|(section, _)| section.keyword())
    }

    /// The group of routes read at the current place of the section being read, if the
    /// last thing read there was one.
    pub fn route_group(&self) -> Option<usize> {
        let (section, body) = self.stack.last()?;
        match section.routes.last() {
            Some(&(at, group)) if at == body.len() => Some(group),
            _ => None,
        }
    }

    /// Records that the section being read continues with the routes of `group`.
    pub fn add_route_group(&mut self, group: usize) {
        if let Some((section, body)) = self.stack.last_mut() {
            section.routes.push((body.len(), group));
        }
    }

    /// The top-level nodes, once every token was pushed.
    pub fn finish(self) -> Result<Vec<Node>> {
        if let Some(first) = self.words.first() {
            return Err(Error::new(
                first.location,
                format!("expected ';' to end the statement '{}'", first.text),
            ));
        }
        if let Some((section, _)) = self.stack.last() {
            return Err(Error::new(
                section.location(),
                format!(
                    "section '{}' is not closed: expected '}}' before the end of the file",
                    section.keyword()
                ),
            ));
        }
        Ok(self.top)
    }
}

/// For the tests of keyword tables: `read` given `keyword` as a statement without value, on
/// the parser's own cursor.
#[cfg(test)]
pub(crate) fn probe<T>(keyword: &str, read: impl FnOnce(&mut Words<'_>) -> T) -> T {
    let mut tokens = Vec::new();
    super::format::tokenize(keyword, |token| {
        tokens.push(token);
        Ok(())
    })
    .unwrap();
    read(&mut Words::new(&tokens, Location::default()))
}

/// A cursor over the words of a statement, after its keyword.
#[derive(Clone)]
pub struct Words<'a> {
    words: &'a [Token<'a>],
    index: usize,
    end: Location,
}

impl<'a> Words<'a> {
    /// A cursor over `words` after the first (the keyword), `end` being the terminator.
    pub fn new(words: &'a [Token<'a>], end: Location) -> Words<'a> {
        Words {
            words,
            index: 1,
            end,
        }
    }

    /// The word just consumed (the keyword at first), for "after 'x'" messages.
    fn previous(&self) -> &str {
        &self.words[self.index - 1].text
    }

    pub fn is_empty(&self) -> bool {
        self.index >= self.words.len()
    }

    pub fn peek(&self) -> Option<&'a Token<'a>> {
        self.words.get(self.index)
    }

    /// The next word, if it is the unquoted `word`; consumed then.
    pub fn accept(&mut self, word: &str) -> bool {
        if self.peek().and_then(Token::word) == Some(word) {
            self.index += 1;
            return true;
        }
        false
    }

    /// Where the next word is (or the terminator when none is left).
    pub fn location(&self) -> Location {
        self.peek().map_or(self.end, |t| t.location)
    }

    /// An error at the next word: `expected WHAT after 'PREV', got 'NEXT'`.
    pub fn expected(&self, what: &str) -> Error {
        let got = match self.peek() {
            Some(t) => format!("'{}'", t.text),
            None => "the end of the statement".to_string(),
        };
        Error::new(
            self.location(),
            format!("expected {what} after '{}', got {got}", self.previous()),
        )
    }

    /// The next token, which must exist.
    pub fn token(&mut self, what: &str) -> Result<&'a Token<'a>> {
        let token = self.peek().ok_or_else(|| self.expected(what))?;
        self.index += 1;
        Ok(token)
    }

    /// The next word (quoted or not), which must exist.
    pub fn next(&mut self, what: &str) -> Result<&'a str> {
        Ok(&self.token(what)?.text)
    }

    /// Parses the next word with `parse`; on failure the error names `what`.
    pub fn parse<T>(&mut self, what: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
        let value = self
            .peek()
            .and_then(|t| parse(&t.text))
            .ok_or_else(|| self.expected(what))?;
        self.index += 1;
        Ok(value)
    }

    pub fn ip(&mut self) -> Result<IpAddr> {
        self.parse("an IP address", |s| s.parse().ok())
    }

    pub fn ipv4(&mut self) -> Result<Ipv4Addr> {
        self.parse("an IPv4 address", |s| s.parse().ok())
    }

    pub fn number<T: std::str::FromStr>(&mut self, what: &str) -> Result<T> {
        self.parse(what, parse_number)
    }

    /// An optional boolean (`true`, `enable`, `enabled`, `false`, `disable`, `disabled`): a bare
    /// keyword means `default`.
    pub fn boolean(&mut self, default: bool) -> Result<bool> {
        if self.is_empty() {
            return Ok(default);
        }
        self.parse(
            "true, enable, enabled, false, disable or disabled",
            parse_boolean,
        )
    }

    /// One word, or a `[ ... ]` list of words (commas ignored); at least one.
    pub fn list(&mut self, what: &str) -> Result<Vec<&'a Token<'a>>> {
        if !self.accept("[") {
            return Ok(vec![self.token(what)?]);
        }
        let mut items = Vec::new();
        loop {
            let token = self.token(&format!("{what} or ']'"))?;
            match token.word() {
                Some("]") => break,
                Some(",") => continue,
                Some("[") => {
                    return Err(Error::new(
                        token.location,
                        format!("expected {what}, got '['"),
                    ))
                }
                _ => items.push(token),
            }
        }
        Ok(items)
    }

    /// Everything up to the matching closing bracket, with the brackets, as one group of words.
    /// The next word must be `open`.
    pub fn group(&mut self, open: &str, close: &str, what: &str) -> Result<Vec<&'a Token<'a>>> {
        let first = self.token(what)?;
        if first.word() != Some(open) {
            self.index -= 1;
            return Err(self.expected(what));
        }
        let mut depth = 1;
        let mut items = vec![first];
        while depth > 0 {
            let token = self.token(&format!("'{close}'"))?;
            match token.word() {
                Some("[" | "(") => depth += 1,
                Some("]" | ")") => depth -= 1,
                _ => {}
            }
            items.push(token);
        }
        if items.last().and_then(|t| t.word()) != Some(close) {
            let last = items[items.len() - 1];
            return Err(Error::new(
                last.location,
                format!("expected '{close}', got '{}'", last.text),
            ));
        }
        Ok(items)
    }

    /// Fails if words are left.
    pub fn finish(&self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(t) => Err(Error::new(
                t.location,
                format!("unexpected '{}' after '{}'", t.text, self.previous()),
            )),
        }
    }
}

/// A decimal or `0x` hexadecimal number.
pub fn parse_number<T: std::str::FromStr>(text: &str) -> Option<T> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        let value = u128::from_str_radix(hex, 16).ok()?;
        return value.to_string().parse().ok();
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

pub fn parse_boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "enable" | "enabled" => Some(true),
        "false" | "disable" | "disabled" => Some(false),
        _ => None,
    }
}

/// `ip/len` (or a bare IP: a host route).
pub fn parse_prefix(text: &str) -> Option<(IpAddr, u8)> {
    let (ip, len) = match text.split_once('/') {
        Some((ip, len)) => (ip.parse::<IpAddr>().ok()?, len.parse::<u8>().ok()?),
        None => {
            let ip = text.parse::<IpAddr>().ok()?;
            (ip, if ip.is_ipv4() { 32 } else { 128 })
        }
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((ip, len))
}

/// An AS number: `N` or the `N.N` dotted form.
pub fn parse_asn(text: &str) -> Option<u32> {
    match text.split_once('.') {
        Some((high, low)) => {
            let high: u16 = parse_number(high)?;
            let low: u16 = parse_number(low)?;
            Some((u32::from(high) << 16) | u32::from(low))
        }
        None => parse_number(text.strip_suffix('L').unwrap_or(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::tokens;
    use super::*;

    fn parse(text: &str) -> Result<Vec<Node>> {
        tree(&tokens(text)?)
    }

    #[test]
    fn sections_and_statements_nest() {
        let nodes =
            parse("neighbor 10.0.0.1 {\n  family {\n    ipv4 unicast;\n  }\n  local-as 1;\n}\n")
                .unwrap();
        let [Node::Section(neighbor)] = nodes.as_slice() else {
            panic!("{nodes:?}")
        };
        assert_eq!(neighbor.keyword(), "neighbor");
        assert_eq!(neighbor.words[1].text, "10.0.0.1");
        assert_eq!(neighbor.body.len(), 2);
        let Node::Statement(local_as) = &neighbor.body[1] else {
            panic!()
        };
        assert_eq!(local_as.location(), Location { line: 5, column: 3 });
        assert_eq!(
            local_as.end,
            Location {
                line: 5,
                column: 13
            }
        );
    }

    #[test]
    fn unclosed_section_names_its_opening() {
        let error = parse("\nneighbor 10.0.0.1 {\n local-as 1;\n").unwrap_err();
        assert_eq!(error.location, Location { line: 2, column: 1 });
        assert!(
            error.message.contains("section 'neighbor' is not closed"),
            "{error}"
        );
    }

    /// A last statement may end at the `}` of its section, as ExaBGP's tokeniser allows.
    #[test]
    fn last_statement_ends_at_close() {
        let nodes = parse("neighbor 10.0.0.1 {\n\tfamily { all }\n\tlocal-as 1\n}\n").unwrap();
        let [Node::Section(neighbor)] = nodes.as_slice() else {
            panic!("{nodes:?}")
        };
        let [Node::Section(family), Node::Statement(local_as)] = neighbor.body.as_slice() else {
            panic!("{neighbor:?}")
        };
        let [Node::Statement(all)] = family.body.as_slice() else {
            panic!("{family:?}")
        };
        assert_eq!(all.keyword(), "all");
        assert_eq!(
            all.end,
            Location {
                line: 2,
                column: 15
            }
        );
        assert_eq!(local_as.keyword(), "local-as");
        assert_eq!(local_as.end, Location { line: 4, column: 1 });
        // a statement before a stray '}' is still refused
        let error = parse("local-as 1 }").unwrap_err();
        assert_eq!(
            error.to_string(),
            "1:12: unexpected '}' with no section to close"
        );
    }

    #[test]
    fn stray_close() {
        let error = parse("a;\n}\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "2:1: unexpected '}' with no section to close"
        );
    }

    #[test]
    fn words_cursor_reports_what_was_expected() {
        let nodes = parse("local-address foo;").unwrap();
        let Node::Statement(statement) = &nodes[0] else {
            panic!()
        };
        let error = statement.args().ip().unwrap_err();
        assert_eq!(
            error.to_string(),
            "1:15: expected an IP address after 'local-address', got 'foo'"
        );
        let nodes = parse("hold-time ;").unwrap();
        let Node::Statement(statement) = &nodes[0] else {
            panic!()
        };
        let error = statement.args().number::<u16>("a hold time").unwrap_err();
        assert_eq!(
            error.to_string(),
            "1:11: expected a hold time after 'hold-time', got the end of the statement"
        );
    }

    #[test]
    fn lists_and_groups() {
        let nodes = parse("community [ 1:1, 2:2 ] x ( a ( b ) ) ;").unwrap();
        let Node::Statement(statement) = &nodes[0] else {
            panic!()
        };
        let mut words = statement.args();
        let items: Vec<&str> = words
            .list("a community")
            .unwrap()
            .iter()
            .map(|t| &*t.text)
            .collect();
        assert_eq!(items, ["1:1", "2:2"]);
        assert!(words.accept("x"));
        assert_eq!(words.group("(", ")", "'('").unwrap().len(), 6);
        words.finish().unwrap();
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number::<u32>("0x10"), Some(16));
        assert_eq!(parse_number::<u8>("256"), None);
        assert_eq!(parse_number::<u32>("-1"), None);
        assert_eq!(parse_asn("1.10"), Some(65546));
        assert_eq!(parse_prefix("10.0.0.0/33"), None);
        assert_eq!(parse_prefix("::1"), Some(("::1".parse().unwrap(), 128)));
    }
}
