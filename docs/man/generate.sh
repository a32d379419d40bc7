#!/usr/bin/env bash
# Writes the exabgp-rs(1) man page to stdout from the binary's own help texts: `exabgp-rs help`
# for the list of commands and `exabgp-rs help COMMAND` for each. tests/man.rs checks that
# docs/man/exabgp-rs.1 is what this script makes of the current binary; after changing a help
# text:   docs/man/generate.sh target/debug/exabgp-rs > docs/man/exabgp-rs.1
#
# usage: docs/man/generate.sh [EXABGP_RS]     (default: exabgp-rs on the PATH)
set -euo pipefail
bin=${1:-exabgp-rs}

# roff-safe text: backslashes doubled as \e, a leading . or ' protected
escape() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

version=$("$bin" version | awk '{ print $2 }')
commands=$("$bin" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')

cat <<END
.TH EXABGP-RS 1 "" "exabgp-rs $version" "User Commands"
.SH NAME
exabgp-rs \\- ExaBGP, the BGP swiss army knife, ported to Rust
.SH SYNOPSIS
.B exabgp-rs
.I COMMAND
.RI [ OPTIONS ]
.br
.B exabgp-rs
.IR CONFIGURATION ...
.SH DESCRIPTION
exabgp-rs speaks BGP to routers, hands every message it receives to helper programs as
ExaBGP's JSON, and takes routes from helpers printing ExaBGP's text commands. It reads
ExaBGP's configuration files and
.IR exabgp.env .
A bare configuration file runs the daemon, as
.BR "exabgp-rs server" .
.PP
.nf
END
"$bin" help | escape
printf '.fi\n.SH COMMANDS\n'
for command in $commands; do
    printf '.SS %s\n.nf\n' "$command"
    "$bin" help "$command" | escape
    printf '.fi\n'
done
cat <<END
.SH ENVIRONMENT
Every setting of
.I exabgp.env
can be given as an environment variable
.RI exabgp_ SECTION _ OPTION
(for example
.BR exabgp_tcp_port=1790 );
.B exabgp-rs env --defaults
lists them with what each does. The file is read from
.B \$EXABGP_ENVFILE
or /etc/exabgp/exabgp.env; a variable wins over the file.
.SH EXIT STATUS
0 on success, 1 on an error (a bad configuration, command line or environment value);
.B healthcheck
exits 2 on a bad command line, as its argparse original.
.SH SEE ALSO
.BR exabgp (1),
.BR exabgp.conf (5),
.BR bird (8)
END
