//! The API end to end without sockets: a helper's command changes the selected peer's
//! adj-rib-out and asks the reactor to wake that peer; the helper gets its acknowledgement;
//! a received message reaches the helper that subscribed to it.

use async_executor::LocalExecutor;
use exabgp_rs::bgp::message::open::capability::negotiated::Negotiated;
use exabgp_rs::configuration::Configuration;
use exabgp_rs::reactor::api::dispatch::Api;
use exabgp_rs::reactor::api::processes::Settings;
use exabgp_rs::reactor::api::{Hook, Request};
use exabgp_rs::reactor::peer::event::{ApiEvent, Command};
use exabgp_rs::reactor::peer::RibOut;
use exabgp_rs::rib::outgoing::AdjRibOut;
use std::path::Path;
use std::rc::Rc;

fn configuration(script: &str) -> Configuration {
    let text = format!(
        "process helper {{ run /bin/sh -c \"{script}\"; encoder text; }}\n\
         neighbor 127.0.0.2 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
           family {{ ipv4 unicast; }} api {{ processes [ helper ]; receive {{ parsed; update; }} }} }}\n\
         neighbor 127.0.0.3 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
           family {{ ipv4 unicast; }} }}\n"
    );
    Configuration::parse(&text, Path::new("test.conf")).unwrap()
}

const SETTINGS: Settings = Settings {
    respawn: false,
    terminate: false,
    ack: true,
};

#[test]
fn a_command_reaches_the_selected_peer_and_is_acknowledged() {
    // announces, and only once acknowledged asks for a shutdown
    let configuration = configuration(
        "echo 'neighbor 127.0.0.2 announce route 10.0.0.0/24 next-hop 1.2.3.4'; \
         read ack; [ \\\"$ack\\\" = done ] && echo shutdown; sleep 5",
    );
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(configuration.processes.clone());
        let ribs: Vec<_> = configuration
            .neighbors
            .iter()
            .map(|config| {
                let neighbor = &config.neighbor;
                let rib = AdjRibOut::new(neighbor.families.iter().copied(), true, true);
                api.register(config, rib)
            })
            .collect();
        api.start(&inner);
        let Request::Peers { select, command } = api.next().await else {
            panic!("expected a request for the peers");
        };
        assert_eq!(command, Command::RibUpdated);
        assert!(select(&configuration.neighbors[0].neighbor));
        assert!(!select(&configuration.neighbors[1].neighbor));
        let negotiated = Negotiated {
            local_as: 1,
            peer_as: 1,
            ..Negotiated::default()
        };
        let messages = ribs[0].clone().updates(&negotiated, true, 10);
        assert_eq!(messages.len(), 1);
        // 10.0.0.0/24 at the end of the UPDATE
        assert!(messages[0].ends_with(&[24, 10, 0, 0]));
        assert!(!ribs[1].borrow().pending());
        assert!(matches!(api.next().await, Request::Shutdown));
        // a reload restarts the peer with a fresh adj-rib-out: the helper's route stays
        let config = &configuration.neighbors[0];
        let fresh = AdjRibOut::new(config.neighbor.families.iter().copied(), true, true);
        let restarted = api.register(config, fresh);
        let messages = restarted.clone().updates(&negotiated, true, 10);
        assert_eq!(messages.len(), 1);
        assert!(messages[0].ends_with(&[24, 10, 0, 0]));
        api.stop().await;
    }));
}

#[test]
fn received_updates_go_to_subscribed_helpers_as_text() {
    // asks for a shutdown once it saw the route, as ExaBGP's text encoder writes it
    let configuration = configuration(
        "while read line; do case \\\"$line\\\" in *'receive update announced 10.0.0.0/24 next-hop 1.2.3.4 origin igp local-preference 100') echo shutdown;; esac; done",
    );
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(configuration.processes.clone());
        for config in &configuration.neighbors {
            api.register(config, AdjRibOut::new([], true, true));
        }
        api.start(&inner);
        let neighbor = &configuration.neighbors[0].neighbor;
        // an OPEN both ways: AS 1, hold time 180, no capabilities
        let open: &[u8] = &[4, 0, 1, 0, 180, 1, 2, 3, 4, 0];
        api.event(
            neighbor,
            &ApiEvent::Negotiated {
                sent: open.to_vec().into(),
                received: open.to_vec().into(),
                negotiated: Default::default(),
            },
        );
        // 10.0.0.0/24, ORIGIN IGP, empty AS_PATH, NEXT_HOP 1.2.3.4, LOCAL_PREF 100
        let body: &[u8] = &[
            0, 0, 0, 0x15, 0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 1, 2, 3, 4, 0x40, 5, 4, 0, 0, 0,
            100, 24, 10, 0, 0,
        ];
        api.event(
            neighbor,
            &ApiEvent::Received {
                kind: 2,
                body: body.to_vec().into(),
                update: Default::default(),
            },
        );
        assert!(matches!(api.next().await, Request::Shutdown));
        api.stop().await;
    }));
}

#[test]
fn fsm_changes_go_to_helpers_that_asked_as_json() {
    let script = "while read line; do case \\\"$line\\\" in *'\\\"type\\\": \\\"fsm\\\"'*'\\\"state\\\": \\\"ESTABLISHED\\\"'*) echo shutdown;; esac; done";
    let text = format!(
        "process helper {{ run /bin/sh -c \"{script}\"; encoder json; }}\n\
         neighbor 127.0.0.2 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
           family {{ ipv4 unicast; }} api {{ processes [ helper ]; fsm; }} }}\n"
    );
    let configuration = Configuration::parse(&text, Path::new("test.conf")).unwrap();
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(configuration.processes.clone());
        api.register(&configuration.neighbors[0], AdjRibOut::new([], true, true));
        api.start(&inner);
        api.fsm(
            &configuration.neighbors[0].neighbor,
            exabgp_rs::bgp::fsm::State::Established,
        );
        assert!(matches!(api.next().await, Request::Shutdown));
        api.stop().await;
    }));
}

#[test]
fn signals_go_to_helpers_that_asked_as_json() {
    // restart on SIGUSR2 (its neighbour did not subscribe: never sent), reload on SIGUSR1,
    // shutdown on a helper's command (code 0)
    let script = format!(
        "while read line; do case \\\"$line\\\" in \
         *'\\\"type\\\": \\\"signal\\\"'*'\\\"code\\\": \\\"{usr2}\\\", \\\"name\\\": \\\"SIGUSR2\\\"'*) echo restart;; \
         *'\\\"type\\\": \\\"signal\\\"'*'\\\"code\\\": \\\"{usr1}\\\", \\\"name\\\": \\\"SIGUSR1\\\"'*) echo reload;; \
         *'\\\"type\\\": \\\"signal\\\"'*'\\\"code\\\": \\\"0\\\", \\\"name\\\": \\\"none\\\"'*) echo shutdown;; \
         esac; done",
        usr1 = libc::SIGUSR1,
        usr2 = libc::SIGUSR2,
    );
    let text = format!(
        "process helper {{ run /bin/sh -c \"{script}\"; encoder json; }}\n\
         neighbor 127.0.0.2 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
           family {{ ipv4 unicast; }} api {{ processes [ helper ]; signal; }} }}\n\
         neighbor 127.0.0.3 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
           family {{ ipv4 unicast; }} api {{ processes [ helper ]; fsm; }} }}\n"
    );
    let configuration = Configuration::parse(&text, Path::new("test.conf")).unwrap();
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(configuration.processes.clone());
        for config in &configuration.neighbors {
            api.register(config, AdjRibOut::new([], true, true));
        }
        api.start(&inner);
        let subscribed = &configuration.neighbors[0].neighbor;
        let other = &configuration.neighbors[1].neighbor;
        api.signal(other, libc::SIGUSR2);
        api.signal(subscribed, libc::SIGUSR1);
        assert!(matches!(api.next().await, Request::Reload));
        api.signal(subscribed, 0);
        assert!(matches!(api.next().await, Request::Shutdown));
        api.stop().await;
    }));
}

#[test]
fn the_text_encoder_has_no_signal_line() {
    // the first line it reads must be the neighbour going down, not the signal before it
    let configuration = {
        let text = "process helper { run /bin/sh -c \"read line; case \\\"$line\\\" in 'neighbor 127.0.0.2 down - gone') echo shutdown;; *) echo reload;; esac; sleep 5\"; encoder text; }\n\
             neighbor 127.0.0.2 { router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
               family { ipv4 unicast; } api { processes [ helper ]; signal; neighbor-changes; } }\n";
        Configuration::parse(text, Path::new("test.conf")).unwrap()
    };
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(configuration.processes.clone());
        api.register(&configuration.neighbors[0], AdjRibOut::new([], true, true));
        api.start(&inner);
        let neighbor = &configuration.neighbors[0].neighbor;
        api.signal(neighbor, libc::SIGUSR1);
        api.event(neighbor, &ApiEvent::Down("gone".into()));
        assert!(matches!(api.next().await, Request::Shutdown));
        api.stop().await;
    }));
}

#[test]
fn group_start_keeps_routes_until_group_end() {
    let configuration = configuration(
        "echo 'group start'; echo 'announce route 10.0.0.0/24 next-hop 1.2.3.4'; \
         echo 'announce route 10.0.1.0/24 next-hop 1.2.3.4'; echo 'group end'; \
         while read line; do case \\\"$line\\\" in 'group processed: 2 announced, 0 withdrawn') echo shutdown;; esac; done",
    );
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(configuration.processes.clone());
        let config = &configuration.neighbors[0];
        let rib = api.register(
            config,
            AdjRibOut::new(config.neighbor.families.iter().copied(), true, true),
        );
        api.start(&inner);
        let mut woken = 0;
        loop {
            match api.next().await {
                Request::Peers { command, .. } => {
                    assert_eq!(command, Command::RibUpdated);
                    woken += 1;
                }
                Request::Shutdown => break,
                _ => panic!("unexpected request"),
            }
        }
        assert!(woken >= 1);
        let negotiated = Negotiated {
            local_as: 1,
            peer_as: 1,
            ..Negotiated::default()
        };
        // both prefixes share their attributes: one UPDATE
        let messages = rib.clone().updates(&negotiated, true, 10);
        assert_eq!(messages.len(), 1);
        assert!(messages[0].ends_with(&[24, 10, 0, 0, 24, 10, 0, 1]));
        api.stop().await;
    }));
}

#[test]
fn a_malformed_flow_rule_is_refused_by_name_and_changes_nothing() {
    // the helper announces a unicast route instead of the good rule when the reply to the
    // malformed one does not name the unknown component
    let text = "process helper { run /bin/sh -c \"\
        echo 'announce flow route { match { source 10.0.0.1/32; colour red; } then { discard; } }'; \
        read why; read ack; \
        case \\\"$why:$ack\\\" in \
          'error: '*colour*:error) echo 'announce flow route { match { source 10.0.0.1/32; } then { discard; } }';; \
          *) echo 'announce route 10.9.9.0/24 next-hop 1.2.3.4';; \
        esac; \
        read ack; echo shutdown; sleep 5\"; encoder text; }\n\
        neighbor 127.0.0.2 { router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
          family { ipv4 unicast; ipv4 flow; } api { processes [ helper ]; } }\n";
    let configuration = Configuration::parse(text, Path::new("test.conf")).unwrap();
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(configuration.processes.clone());
        let config = &configuration.neighbors[0];
        let rib = api.register(
            config,
            AdjRibOut::new(config.neighbor.families.iter().copied(), true, true),
        );
        api.start(&inner);
        while !matches!(api.next().await, Request::Shutdown) {}
        let negotiated = Negotiated {
            local_as: 1,
            peer_as: 1,
            families: config.neighbor.families.clone(),
            ..Negotiated::default()
        };
        let messages = rib.clone().updates(&negotiated, true, 10);
        assert_eq!(messages.len(), 1, "{messages:?}");
        // the good rule only: discard (traffic-rate 0) for source 10.0.0.1/32
        let discard = [0x80, 0x06, 0, 0, 0, 0, 0, 0];
        assert!(messages[0].windows(8).any(|w| w == discard));
        assert!(messages[0].ends_with(&[0x06, 0x02, 0x20, 10, 0, 0, 1]));
        api.stop().await;
    }));
}

#[test]
fn a_reload_that_keeps_the_session_sends_only_the_route_difference() {
    let neighbor = |routes: &str| {
        format!(
            "process helper {{ run /bin/sh -c \"echo 'announce route 5.0.0.0/24 next-hop 4.0.0.1'; sleep 5\"; encoder text; }}\n\
             neighbor 127.0.0.2 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
               family {{ ipv4 unicast; }} api {{ processes [ helper ]; }} static {{ {routes} }} }}\n"
        )
    };
    let before = Configuration::parse(
        &neighbor(
            "route 1.0.0.0/24 next-hop 4.0.0.0; route 2.0.0.0/24 next-hop 4.0.0.0; \
             route 5.0.0.0/24 next-hop 4.0.0.0;",
        ),
        Path::new("before.conf"),
    )
    .unwrap();
    let after = Configuration::parse(
        &neighbor("route 1.0.0.0/24 next-hop 4.0.0.0; route 3.0.0.0/24 next-hop 4.0.0.0;"),
        Path::new("after.conf"),
    )
    .unwrap();
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(before.processes.clone());
        let config = &before.neighbors[0];
        let rib = api.register(config, exabgp_rs::application::server::adj_rib_out(config));
        api.start(&inner);
        // the helper's 5.0.0.0/24 replaces the configured one
        let Request::Peers { command, .. } = api.next().await else {
            panic!("expected a request for the peers");
        };
        assert_eq!(command, Command::RibUpdated);
        let negotiated = Negotiated {
            local_as: 1,
            peer_as: 1,
            ..Negotiated::default()
        };
        assert!(!rib.clone().updates(&negotiated, true, 10).is_empty());
        assert!(!rib.pending());

        assert!(
            !api.reconfigure(config, config),
            "identical: nothing to send"
        );
        assert!(!rib.pending());

        // 1.0.0.0/24 unchanged, 2.0.0.0/24 gone, 3.0.0.0/24 new, 5.0.0.0/24 gone from the
        // configuration but announced by the helper since: only 2 and 3 go out
        assert!(api.reconfigure(config, &after.neighbors[0]));
        let messages = rib.clone().updates(&negotiated, true, 10);
        let hex: Vec<String> = messages
            .iter()
            .map(|m| m.iter().map(|b| format!("{b:02X}")).collect())
            .collect();
        let marker = "F".repeat(32);
        // the withdraw, then ORIGIN IGP, empty AS_PATH, NEXT_HOP 4.0.0.0, LOCAL_PREF 100 and
        // 3.0.0.0/24 (the bytes qa/api/api-reload.ci expects after its reload)
        assert_eq!(
            hex,
            [
                format!("{marker}001B020004180200000000"),
                format!("{marker}0030020000001540010100400200400304040000004005040000006418030000"),
            ]
        );
        api.stop().await;
    }));
}

#[test]
fn routes_written_one_per_line_wake_the_peer_once_and_survive_a_restart() {
    // 200 routes in one write, then the second withdrawn and the first re-announced with other
    // attributes; shutdown once every command was acknowledged
    let configuration = configuration(
        "i=0; while [ $i -lt 200 ]; do echo \\\"announce route 10.1.$i.0/24 next-hop 1.2.3.4\\\"; \
         i=$((i+1)); done; echo 'withdraw route 10.1.1.0/24 next-hop 1.2.3.4'; \
         echo 'announce route 10.1.0.0/24 next-hop 1.2.3.4 med 7'; \
         n=0; while read line; do n=$((n+1)); [ $n -eq 202 ] && echo shutdown; done",
    );
    let executor = Rc::new(LocalExecutor::new());
    let inner = executor.clone();
    async_io::block_on(executor.run(async move {
        let api = Api::new(SETTINGS, 4);
        api.configure(configuration.processes.clone());
        let config = &configuration.neighbors[0];
        let rib = AdjRibOut::new(config.neighbor.families.iter().copied(), true, true);
        let rib = api.register(config, rib);
        api.start(&inner);
        let mut woken = 0;
        loop {
            match api.next().await {
                Request::Peers { command, .. } => {
                    assert_eq!(command, Command::RibUpdated);
                    woken += 1;
                }
                Request::Shutdown => break,
                _ => panic!("unexpected request"),
            }
        }
        // the lines may arrive in a few reads, never one wake per route
        assert!(
            (1..=10).contains(&woken),
            "{woken} wake-ups for 202 commands"
        );
        let negotiated = Negotiated {
            local_as: 1,
            peer_as: 1,
            ..Negotiated::default()
        };
        // the /24 prefixes of each UPDATE (after the 19-byte header: withdrawn routes, path
        // attributes, then 24, a, b, c for each prefix)
        let nlris = |messages: &[bytes::Bytes]| -> Vec<Vec<[u8; 3]>> {
            messages
                .iter()
                .map(|message| {
                    let body = &message[19..];
                    let at = 2 + u16::from_be_bytes([body[0], body[1]]) as usize;
                    let start = at + 2 + u16::from_be_bytes([body[at], body[at + 1]]) as usize;
                    body[start..]
                        .chunks(4)
                        .map(|nlri| {
                            assert_eq!(nlri[0], 24);
                            [nlri[1], nlri[2], nlri[3]]
                        })
                        .collect()
                })
                .collect()
        };
        // distinct prefixes: the live adj-rib-out may send 10.1.0.0/24 twice, as ExaBGP does
        // when a route changes before it left
        let all = |updates: &[Vec<[u8; 3]>]| {
            let mut all: Vec<[u8; 3]> = updates.concat();
            all.sort();
            all.dedup();
            all
        };
        let expected: Vec<[u8; 3]> = (0..200u8).filter(|i| *i != 1).map(|i| [10, 1, i]).collect();
        assert_eq!(
            all(&nlris(&rib.clone().updates(&negotiated, true, 1000))),
            expected
        );
        // a restarted peer gets the same table from what the helper announced, 10.1.0.0/24
        // once, in an UPDATE of its own (its MED differs)
        let fresh = AdjRibOut::new(config.neighbor.families.iter().copied(), true, true);
        let restarted = api.register(config, fresh);
        let updates = nlris(&restarted.clone().updates(&negotiated, true, 1000));
        assert_eq!(all(&updates), expected);
        assert_eq!(updates.concat().len(), expected.len());
        assert!(updates.contains(&vec![[10, 1, 0]]), "{updates:?}");
        api.stop().await;
    }));
}

/// ExaBGP main's JSON for a received UPDATE carries the session's `"negotiated"` object after
/// `"message"` (its `update` calls `_negotiated`), in API v4 and v6 alike.
#[test]
fn received_update_json_carries_the_negotiated_session() {
    for version in [4, 6] {
        let file = std::env::temp_dir().join(format!(
            "exabgp-rs-negotiated-{}-{version}.json",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&file);
        let text = format!(
            "process helper {{ run /bin/sh -c \"read line; printf '%s' \\\"$line\\\" > {}; echo shutdown; sleep 5\"; encoder json; }}\n\
             neighbor 127.0.0.2 {{ router-id 1.2.3.4; local-address 127.0.0.1; local-as 1; peer-as 1;\n\
               family {{ ipv4 unicast; }} api {{ processes [ helper ]; receive {{ parsed; update; }} }} }}\n",
            file.display()
        );
        let configuration = Configuration::parse(&text, Path::new("test.conf")).unwrap();
        let executor = Rc::new(LocalExecutor::new());
        let inner = executor.clone();
        async_io::block_on(executor.run(async move {
            let api = Api::new(SETTINGS, version);
            api.configure(configuration.processes.clone());
            api.register(&configuration.neighbors[0], AdjRibOut::new([], true, true));
            api.start(&inner);
            let neighbor = &configuration.neighbors[0].neighbor;
            // AS 1, hold time 180, capabilities IPv4 unicast and four-byte ASN 1
            let open: &[u8] = &[
                4, 0, 1, 0, 180, 1, 2, 3, 4, 14, 2, 12, 1, 4, 0, 1, 0, 1, 65, 4, 0, 0, 0, 1,
            ];
            api.event(
                neighbor,
                &ApiEvent::Negotiated {
                    sent: open.to_vec().into(),
                    received: open.to_vec().into(),
                    negotiated: Default::default(),
                },
            );
            // 10.0.0.0/24, ORIGIN IGP, empty AS_PATH, NEXT_HOP 1.2.3.4
            let body: &[u8] = &[
                0, 0, 0, 0x0e, 0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 1, 2, 3, 4, 24, 10, 0, 0,
            ];
            api.event(
                neighbor,
                &ApiEvent::Received {
                    kind: 2,
                    body: body.to_vec().into(),
                    update: Default::default(),
                },
            );
            assert!(matches!(api.next().await, Request::Shutdown));
            api.stop().await;
        }));
        let line = std::fs::read_to_string(&file).unwrap();
        let _ = std::fs::remove_file(&file);
        // main's `_negotiated` spacing: `{ kv } ` then `_neighbor`'s ` }`
        assert!(
            line.ends_with(
                "\"announce\": { \"ipv4 unicast\": { \"1.2.3.4\": [ { \"nlri\": \"10.0.0.0/24\" } ] } } } }, \
                 \"negotiated\": { \"message_size\": 4096, \"hold_time\": 180, \"asn4\": true, \
                 \"multisession\": false, \"operational\": false, \"refresh\": \"absent\", \
                 \"families\": [\"ipv4 unicast\"], \"nexthop\": [], \
                 \"add_path\": {\"send\": [], \"receive\": []} }  } }"
            ),
            "API v{version}: {line}"
        );
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            value["neighbor"]["negotiated"]["families"][0],
            "ipv4 unicast"
        );
    }
}
