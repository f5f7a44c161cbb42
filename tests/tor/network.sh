#!/bin/sh
# A private Tor network on 127.0.0.1 for tests, with no internet: three directory authorities
# (each also a relay) and four more relays, voting every ten seconds (TestingTorNetwork). Each
# runs as a daemon with its data, log and PidFile in BASE/NAME/; the caller stops them (kill the
# pids in BASE/*/pid). Writes BASE/network.torrc: the lines every other Tor of the test (an onion
# service, clients) needs to join, without a DataDirectory of its own.
#
#   network.sh BASE PORTBASE OWNER   OR ports PORTBASE..PORTBASE+6, directory ports +100..+102
#
# OWNER is the test's process id: every Tor of the network exits once it is gone
# (__OwningControllerProcess), so a test killed without cleaning up leaves none running.
#
# Needs tor and tor-gencert (Debian: tor) and POSIX shell tools.
set -eu
usage="usage: network.sh BASE PORTBASE OWNER"
base=${1:?$usage}
portbase=${2:?$usage}
owner=${3:?$usage}
authorities="0 1 2"
relays="3 4 5 6"
mkdir -p "$base"
chmod 700 "$base"
network="$base/network.torrc"
cat > "$network" <<CONF
TestingTorNetwork 1
PathsNeededToBuildCircuits 0.67
TestingDirAuthVoteHSDir *
TestingDirAuthVoteGuard *
TestingDirAuthVoteExit *
TestingMinExitFlagThreshold 0
V3AuthNIntervalsValid 2
__OwningControllerProcess $owner
SafeLogging 0
ShutdownWaitLength 0
CONF

# The authorities' keys: tor-gencert makes the v3 identity and signing keys (no passphrase), and
# tor prints each one's relay fingerprint; both go into every Tor's DirAuthority lines.
for n in $authorities; do
  dir="$base/auth$n"
  mkdir -p "$dir/keys"
  chmod 700 "$dir"
  echo "" | tor-gencert --create-identity-key --passphrase-fd 0 -m 12 \
    -a "127.0.0.1:$((portbase + 100 + n))" -i "$dir/keys/authority_identity_key" \
    -s "$dir/keys/authority_signing_key" -c "$dir/keys/authority_certificate" \
    > "$dir/gencert.log" 2>&1 || { cat "$dir/gencert.log" >&2; exit 1; }
  # --list-fingerprint wants a valid DirAuthority; any will do here.
  tor --quiet --ignore-missing-torrc -f /dev/null --list-fingerprint --DataDirectory "$dir" \
    --ORPort 1 --DirAuthority "x 127.0.0.1:1 ffffffffffffffffffffffffffffffffffffffff" > /dev/null
  fingerprint=$(cut -d' ' -f2 "$dir/fingerprint")
  v3ident=$(sed -n 's/^fingerprint //p' "$dir/keys/authority_certificate")
  echo "DirAuthority auth$n orport=$((portbase + n)) no-v2 v3ident=$v3ident 127.0.0.1:$((portbase + 100 + n)) $fingerprint" >> "$network"
done

# One relay's configuration; the authorities add their directory and fast voting.
relay() { # NAME N
  dir="$base/$1"
  mkdir -p "$dir"
  chmod 700 "$dir"
  cat "$network" > "$dir/torrc"
  cat >> "$dir/torrc" <<CONF
DataDirectory $dir
PidFile $dir/pid
RunAsDaemon 1
Log notice file $dir/notice.log
Nickname $1
SocksPort 0
Address 127.0.0.1
ORPort 127.0.0.1:$((portbase + $2))
AssumeReachable 1
ExitRelay 0
ExitPolicy reject *:*
ContactInfo tests@resguardo.invalid
CONF
}
for n in $authorities; do
  relay "auth$n" "$n"
  cat >> "$base/auth$n/torrc" <<CONF
DirPort 127.0.0.1:$((portbase + 100 + n))
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
TestingV3AuthInitialVotingInterval 5
TestingV3AuthInitialVoteDelay 2
TestingV3AuthInitialDistDelay 2
V3AuthVotingInterval 10
V3AuthVoteDelay 2
V3AuthDistDelay 2
CONF
done
for n in $relays; do relay "relay$n" "$n"; done
for name in auth0 auth1 auth2 relay3 relay4 relay5 relay6; do
  tor -f "$base/$name/torrc" > "$base/$name/start.log" 2>&1 ||
    { cat "$base/$name/start.log" >&2; exit 1; }
done
