//! Ports `exabgp/application/shortcuts.py`: the CLI's abbreviations (`s n summary` is
//! `show neighbor summary`), each expanded by where it stands, and the CLI's command-first
//! orders (`neighbor IP show ...`, `adj-rib in show ...`) turned into the API's.

/// Where a shortcut applies: its position and the words already expanded before it.
type Context = fn(usize, &[String]) -> bool;

fn last(pre: &[String]) -> &str {
    pre.last().map_or("", String::as_str)
}

/// At the start, or after a neighbour's address (ExaBGP's IPv4 test is three dots).
fn start_or_after_ip(position: usize, pre: &[String]) -> bool {
    let word = last(pre);
    position == 0 || word.matches('.').count() == 3 || word.contains(':')
}

fn after_announce_or_withdraw(_: usize, pre: &[String]) -> bool {
    matches!(last(pre), "announce" | "withdraw")
}

/// ExaBGP's table, in its order: the first that fits wins.
const SHORTCUTS: &[(&str, &str, Context)] = &[
    ("a", "announce", start_or_after_ip),
    ("a", "attributes", after_announce_or_withdraw),
    ("a", "adj-rib", |_, pre| {
        matches!(last(pre), "clear" | "flush" | "show")
    }),
    ("a", "ack", |_, pre| last(pre) == "session"),
    ("c", "configuration", |_, _| true),
    ("d", "daemon", |position, _| position == 0),
    ("e", "eor", |_, pre| last(pre) == "announce"),
    ("e", "extensive", |_, pre| pre.iter().any(|w| w == "show")),
    ("f", "flow", after_announce_or_withdraw),
    ("f", "flush", start_or_after_ip),
    ("h", "help", |position, _| position == 0),
    ("i", "in", |_, pre| last(pre) == "adj-rib"),
    ("id", "router-id", |_, pre| {
        pre.iter().any(|w| w == "neighbor")
    }),
    ("n", "neighbor", |position, _| position == 0),
    ("o", "operation", |_, pre| last(pre) == "announce"),
    ("o", "out", |_, pre| last(pre) == "adj-rib"),
    ("r", "route", after_announce_or_withdraw),
    ("r", "refresh", |_, pre| {
        pre.len() >= 2 && pre[pre.len() - 2] == "announce" && pre[pre.len() - 1] == "route"
    }),
    ("s", "show", |position, _| position == 0),
    ("s", "summary", |position, _| position != 0),
    ("t", "teardown", start_or_after_ip),
    ("v", "vps", after_announce_or_withdraw),
    ("w", "withdraw", start_or_after_ip),
    ("w", "watchdog", after_announce_or_withdraw),
    ("ses", "session", |position, _| position == 0),
    ("sy", "sync", |_, pre| last(pre) == "session"),
    ("neighbour", "neighbor", |_, _| true),
    ("neigbour", "neighbor", |_, _| true),
    ("neigbor", "neighbor", |_, _| true),
];

/// The command with its shortcuts expanded and in the API's order.
pub fn expand(command: &str) -> String {
    let mut expanded: Vec<String> = Vec::new();
    for (position, token) in command.split_whitespace().enumerate() {
        // a two-letter prefix stands for the word too, so `route` never becomes `router-id`
        let found = SHORTCUTS.iter().find(|(nickname, full, context)| {
            let named = token == *nickname
                || token == *full
                || (token.len() <= 2 && full.starts_with(token));
            named && context(position, &expanded)
        });
        expanded.push(found.map_or(token, |(_, full, _)| full).to_string());
    }
    transform(expanded)
}

/// ExaBGP's `transform_cli_to_api`.
fn transform(tokens: Vec<String>) -> String {
    let show = tokens.iter().position(|t| t == "show");
    let words = |parts: &[&[String]]| -> String {
        parts
            .iter()
            .flat_map(|part| part.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let fixed = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    // neighbor IP adj-rib in|out show OPTIONS: show adj-rib in|out IP OPTIONS
    if tokens.len() >= 5
        && tokens[0] == "neighbor"
        && tokens[2] == "adj-rib"
        && matches!(tokens[3].as_str(), "in" | "out")
        && show == Some(4)
    {
        let head = fixed(&["show", "adj-rib", &tokens[3], &tokens[1]]);
        return words(&[&head, &tokens[5..]]);
    }
    // neighbor IP FILTERS show OPTIONS: show neighbor IP FILTERS OPTIONS
    if tokens.len() >= 3 && tokens[0] == "neighbor" {
        if let Some(at) = show.filter(|&at| at >= 2) {
            let head = fixed(&["show", "neighbor"]);
            return words(&[&head, &tokens[1..at], &tokens[at + 1..]]);
        }
    }
    // adj-rib in|out show OPTIONS: show adj-rib in|out OPTIONS
    if tokens.len() >= 3
        && tokens[0] == "adj-rib"
        && matches!(tokens[1].as_str(), "in" | "out")
        && show == Some(2)
    {
        let head = fixed(&["show", "adj-rib", &tokens[1]]);
        return words(&[&head, &tokens[3..]]);
    }
    tokens.join(" ")
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn exabgps_documented_examples() {
        // the examples of shortcuts.py's docstrings
        assert_eq!(expand("s n summary"), "show neighbor summary");
        assert_eq!(
            expand("a r 10.0.0.0/24 next-hop 192.168.1.1"),
            "announce route 10.0.0.0/24 next-hop 192.168.1.1"
        );
        assert_eq!(
            expand("n 192.168.1.1 show summary"),
            "show neighbor 192.168.1.1 summary"
        );
        assert_eq!(
            expand("neighbor 192.168.1.1 show summary"),
            "show neighbor 192.168.1.1 summary"
        );
        assert_eq!(
            expand("adj-rib in show extensive"),
            "show adj-rib in extensive"
        );
        assert_eq!(expand("show neighbor summary"), "show neighbor summary");
    }

    #[test]
    fn by_context() {
        assert_eq!(expand("s a o e"), "show adj-rib out extensive");
        assert_eq!(expand("s a i"), "show adj-rib in");
        assert_eq!(
            expand("neighbor 10.0.0.1 a e"),
            "neighbor 10.0.0.1 announce eor"
        );
        assert_eq!(expand("w r 10.0.0.0/24"), "withdraw route 10.0.0.0/24");
        assert_eq!(
            expand("neighbor 10.0.0.1 adj-rib out show extensive"),
            "show adj-rib out 10.0.0.1 extensive"
        );
        assert_eq!(expand("ses a enable"), "session ack enable");
        assert_eq!(
            expand("neighbour 10.0.0.1 t 6"),
            "neighbor 10.0.0.1 teardown 6"
        );
        // words that are no shortcut where they stand are kept
        assert_eq!(expand("version"), "version");
        assert_eq!(
            expand("announce route 10.0.0.0/24 next-hop 1.2.3.4 med 10"),
            "announce route 10.0.0.0/24 next-hop 1.2.3.4 med 10"
        );
    }
}
