//! Ports `exabgp/configuration/schema.py` (`Leaf`, `Container`, `schema_to_json_schema`): the
//! configuration grammar as JSON Schema (draft-07), built from the keyword tables the parser
//! itself dispatches on and lists in its errors, so the two can not drift apart.

use crate::util::json::Json;
use std::borrow::Cow;

/// What a keyword takes, with the JSON Schema ExaBGP's validators give such a value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Ip,
    IpPrefix,
    /// An address or `self`.
    NextHop,
    /// An AS number, `asdot` allowed, or `auto`.
    Asn,
    /// A route distinguisher, `ASN:N` or `IPv4:N`.
    Rd,
    Integer {
        min: i64,
        max: i64,
    },
    /// An integer without a range of its own.
    Number,
    /// `true`/`false` (and ExaBGP's spellings); a bare keyword means `bare`.
    Boolean {
        bare: bool,
    },
    /// A keyword without value.
    Flag,
    Choice(Cow<'static, [&'static str]>),
    /// A string of this format (`aggregator`).
    Format(&'static str),
    /// A string matching this regular expression.
    Pattern(&'static str),
    Text,
    /// One value or a `[ ]` list of values in this format (`community`, `as-path`).
    List(&'static str),
}

/// One statement of a section.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Keyword {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) description: &'static str,
}

impl Keyword {
    pub(crate) const fn new(name: &'static str, kind: Kind, description: &'static str) -> Keyword {
        Keyword {
            name,
            kind,
            description,
        }
    }
}

/// The names of `keywords` as the parser's errors list them: `a, b or c`.
pub(crate) fn expected<'k>(names: impl IntoIterator<Item = &'k str>) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// `schema_to_json_schema` of a `Leaf`: the value's schema, then its description.
fn leaf(keyword: &Keyword) -> Json {
    let string = |pairs: Vec<(&'static str, Json)>| {
        let mut all = vec![("type", Json::str("string"))];
        all.extend(pairs);
        all
    };
    let format = |name: &str| string(vec![("format", Json::str(name))]);
    let mut pairs: Vec<(&str, Json)> = match &keyword.kind {
        Kind::Ip => format("ip-address"),
        Kind::IpPrefix => format("ip-prefix"),
        Kind::NextHop => format("next-hop"),
        Kind::Asn => string(vec![("pattern", Json::str(r"^(\d+(\.\d+)?|auto)$"))]),
        Kind::Rd => string(vec![(
            "pattern",
            Json::str(r"^(\d+(\.\d+)?:\d+|\d+\.\d+\.\d+\.\d+:\d+)$"),
        )]),
        Kind::Integer { min, max } => vec![
            ("type", Json::str("integer")),
            ("minimum", Json::Int(*min)),
            ("maximum", Json::Int(*max)),
        ],
        Kind::Number => vec![("type", Json::str("integer"))],
        Kind::Boolean { bare } => vec![
            ("type", Json::str("boolean")),
            ("default", Json::Bool(*bare)),
        ],
        Kind::Flag => vec![("type", Json::str("boolean")), ("const", Json::Bool(true))],
        Kind::Choice(choices) => string(vec![(
            "enum",
            Json::List(choices.iter().map(|c| Json::str(*c)).collect()),
        )]),
        Kind::Format(name) => format(name),
        Kind::Pattern(pattern) => string(vec![("pattern", Json::str(*pattern))]),
        Kind::Text => string(Vec::new()),
        Kind::List(items) => vec![
            ("type", Json::str("array")),
            ("items", Json::object(format(items))),
        ],
    };
    pairs.push(("description", Json::str(keyword.description)));
    Json::object(pairs)
}

/// A section of the grammar (ExaBGP's `Container`).
pub(crate) struct Container {
    pub(crate) description: &'static str,
    pub(crate) children: Vec<(&'static str, Child)>,
    /// The statements it can not do without.
    pub(crate) required: Vec<&'static str>,
}

pub(crate) enum Child {
    Leaf(Keyword),
    Container(Container),
}

impl Container {
    pub(crate) fn new(description: &'static str) -> Container {
        Container {
            description,
            children: Vec::new(),
            required: Vec::new(),
        }
    }

    pub(crate) fn leaves(mut self, keywords: &[Keyword]) -> Container {
        for keyword in keywords {
            self.children
                .push((keyword.name, Child::Leaf(keyword.clone())));
        }
        self
    }

    pub(crate) fn section(mut self, name: &'static str, container: Container) -> Container {
        self.children.push((name, Child::Container(container)));
        self
    }

    pub(crate) fn require(mut self, names: &[&'static str]) -> Container {
        self.required.extend_from_slice(names);
        self
    }

    /// `schema_to_json_schema` of a `Container`.
    pub(crate) fn json(&self) -> Json {
        let properties = self
            .children
            .iter()
            .map(|(name, child)| {
                let schema = match child {
                    Child::Leaf(keyword) => leaf(keyword),
                    Child::Container(container) => container.json(),
                };
                (name.to_string(), schema)
            })
            .collect();
        let mut pairs = vec![
            ("type", Json::str("object")),
            ("properties", Json::Object(properties)),
            ("additionalProperties", Json::Bool(false)),
            ("description", Json::str(self.description)),
        ];
        if !self.required.is_empty() {
            pairs.push((
                "required",
                Json::List(self.required.iter().map(|r| Json::str(*r)).collect()),
            ));
        }
        Json::object(pairs)
    }
}

/// The sections `schema export SECTION` takes, in ExaBGP's order.
pub(crate) const SECTIONS: &[&str] = &[
    "neighbor",
    "process",
    "template",
    "capability",
    "family",
    "static",
    "flow",
    "l2vpn",
    "operational",
];

/// The schema of one top-level section (`None`: not one of `SECTIONS`).
pub(crate) fn section(name: &str) -> Option<Container> {
    use super::{capability, flow, l2vpn, neighbor, operational, process, r#static};
    Some(match name {
        "neighbor" => neighbor::schema("BGP neighbour (peer) configuration"),
        "process" => Container::new("External process configuration")
            .leaves(process::KEYWORDS)
            .require(&["run"]),
        "template" => Container::new("Neighbour templates, for inherit").section(
            "neighbor",
            neighbor::schema("A neighbour template: neighbor statements and sections"),
        ),
        "capability" => {
            Container::new("BGP capabilities to announce in the OPEN").leaves(capability::KEYWORDS)
        }
        "family" => neighbor::family::schema(),
        "static" => Container::new("Static routes: route PREFIX keyword value ...;")
            .leaves(r#static::route::KEYWORDS)
            .section(
                "route",
                Container::new("route PREFIX { keyword value; ... }")
                    .leaves(r#static::route::KEYWORDS),
            ),
        "flow" => flow::schema(),
        "l2vpn" => l2vpn::schema(),
        "operational" => operational::schema(),
        _ => return None,
    })
}

/// The whole grammar: every section of `SECTIONS` under one root.
pub(crate) fn root() -> Container {
    let mut root = Container::new("ExaBGP configuration schema");
    for name in SECTIONS {
        if let Some(container) = section(name) {
            root = root.section(name, container);
        }
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_lists_as_prose() {
        assert_eq!(expected(["a"]), "a");
        assert_eq!(expected(["a", "b", "c"]), "a, b or c");
    }

    #[test]
    fn leaves_as_json_schema() {
        let hold = Keyword::new("hold-time", Kind::Integer { min: 0, max: 65535 }, "hold");
        assert_eq!(
            leaf(&hold),
            Json::object([
                ("type", Json::str("integer")),
                ("minimum", Json::Int(0)),
                ("maximum", Json::Int(65535)),
                ("description", Json::str("hold")),
            ])
        );
        let community = Keyword::new("community", Kind::List("community"), "c");
        let Json::Object(pairs) = leaf(&community) else {
            panic!("not an object")
        };
        assert_eq!(pairs[0], ("type".to_string(), Json::str("array")));
    }

    #[test]
    fn every_section_is_an_object_with_properties() {
        for name in SECTIONS {
            let Json::Object(pairs) = section(name).unwrap().json() else {
                panic!("{name}: not an object")
            };
            assert_eq!(
                pairs[0],
                ("type".to_string(), Json::str("object")),
                "{name}"
            );
            assert!(pairs.iter().any(|(k, _)| k == "properties"), "{name}");
        }
        assert!(section("bogus").is_none());
    }
}
