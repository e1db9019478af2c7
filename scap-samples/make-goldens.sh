#!/usr/bin/env bash
# Regenerates scap-samples/goldens/: what the real sysdig 0.29.3 prints for the project's own
# generated samples (npm run goldens; run `npm run samples` first when the scenario changed).
#
# Output, in the same format as ../shared/conformance:
#   goldens/cases.tsv   id<TAB>sample<TAB>args<TAB>compare  (sample relative to scap-samples/;
#                       args in POSIX shell quoting, run as `sysdig -r <sample> <args>`)
#   goldens/<id>.txt    sysdig's stdout, byte for byte
#   goldens/counts.tsv  id<TAB>lines<TAB>bytes<TAB>exit
# `ties` cases (top-N chisels) are run several times; the script fails if their output changes
# in a way the ties rule (ORACLE.md) does not allow (which is also how a group of equal values
# straddling the top-N cut shows up).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/goldens"
runs="${GOLDEN_TIE_RUNS:-6}"

if ! sysdig --version 2>/dev/null | grep -q '0\.29\.3'; then
  echo "make-goldens: needs sysdig 0.29.3 on PATH (found: $(sysdig --version 2>&1 | head -1))" >&2
  exit 1
fi
export TZ=UTC LC_ALL=C

L=lamp-audit.scap.gz
# id | sample | args | compare
cases=(
  "l01_default|$L||exact"
  "l02_n1500|$L|-n 1500|exact"
  "l03_fmt_star_accept_connect|$L|-p \"*%evt.num %evt.type %proc.name %fd.name %evt.arg.res\" \"evt.type in (accept, connect)\"|exact"
  "l04_fmt_openat_args|$L|-p \"%evt.num %proc.name %thread.tid %evt.arg.fd %evt.arg.name %evt.rawres\" \"evt.type=openat and evt.dir=<\"|exact"
  "l05_fmt_conn_fields|$L|-p \"%evt.datetime %proc.name %fd.cip:%fd.cport %fd.sip:%fd.sport %fd.l4proto %evt.arg.tuple\" \"evt.type=accept and evt.dir=<\"|exact"
  "l06_ascii_form|$L|-A \"evt.is_io_read=true and evt.buffer contains form\"|exact"
  "l07_hex_tee_write|$L|-X \"proc.name=tee and evt.type=write\"|exact"
  "l08_json_shell|$L|-j \"proc.name in (sh, id, cat, tee)\"|exact"
  "l09_httpd_ipv4|$L|\"proc.name=httpd and fd.type=ipv4\"|exact"
  "l10_read_buffer_form|$L|\"evt.is_io_read=true and evt.buffer contains form\"|exact"
  "l11_sip_host|$L|\"fd.sip=10.0.1.20 and evt.dir=<\"|exact"
  "l12_open_etc|$L|\"evt.type in (open, openat) and fd.name startswith /etc\"|exact"
  "l13_failed|$L|evt.failed=true|exact"
  "l14_cip_scanner|$L|fd.cip=203.0.113.66|exact"
  "l15_aname_httpd|$L|\"proc.aname=httpd and evt.type in (execve, clone, openat, connect, procexit)\"|exact"
  "l16_mysql_port|$L|\"fd.port=3306 and evt.is_io=true\"|exact"
  "l17_fmt_user_cmdline|$L|-p \"%evt.num %user.name %proc.pname %proc.cmdline %evt.type\" \"evt.type=execve and evt.dir=<\"|exact"
  "l18_c_topprocs_net|$L|-c topprocs_net|ties"
  "l19_c_topconns_no_scanner|$L|-c topconns \"fd.cip!=203.0.113.66\"|ties"
  "l20_c_topports_server|$L|-c topports_server|ties"
  "l21_c_echo_fds|$L|-c echo_fds|exact"
  "l22_c_spy_port|$L|-c spy_port 3306|exact"
  "l23_c_netstat|$L|-c netstat|exact"
  "l24_c_lsof|$L|-c lsof|exact"
  "l25_c_ps|$L|-c ps|exact"
  "l26_c_topfiles_bytes|$L|-c topfiles_bytes|ties"
  "l27_summary_S|$L|-S -q|exact"
  "l28_c_topprocs_cpu|$L|-c topprocs_cpu|ties"
  "l29_c_spy_ip|$L|-c spy_ip 203.0.113.66|exact"
  "l30_c_iobytes_net|$L|-c iobytes_net|exact"
  "l31_c_topprocs_file|$L|-c topprocs_file|ties"
  "l32_c_topscalls_httpd|$L|-c topscalls proc.name=httpd|ties"
)

run() { # sample args
  (cd "$here" && eval "sysdig -r \"\$1\" $2")
}

# The ties rule: same first-token sequence; within runs of equal first tokens, same multiset.
# Prints nothing when $1 and $2 agree under it.
ties_diff() {
  node -e '
    const fs = require("fs");
    const groups = (t) => {
      const out = [];
      for (const line of t.split("\n")) {
        const key = line.trim().split(/\s+/)[0] ?? "";
        const last = out[out.length - 1];
        if (last && last.key === key) last.lines.push(line);
        else out.push({ key, lines: [line] });
      }
      return out.map((g) => g.key + "\u0000" + g.lines.sort().join("\n"));
    };
    const [a, b] = [fs.readFileSync(process.argv[1], "utf8"), fs.readFileSync(process.argv[2], "utf8")];
    if (JSON.stringify(groups(a)) !== JSON.stringify(groups(b))) console.log("differs beyond ties");
  ' "$1" "$2"
}

rm -rf "$out"
mkdir -p "$out"
printf 'id\tsample\targs\tcompare\n' >"$out/cases.tsv"
printf 'id\tlines\tbytes\texit\n' >"$out/counts.tsv"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for c in "${cases[@]}"; do
  IFS='|' read -r id sample args compare <<<"$c"
  status=0
  run "$sample" "$args" >"$out/$id.txt" 2>"$tmp/stderr" || status=$?
  if [ "$status" -ne 0 ] || [ -s "$tmp/stderr" ]; then
    echo "make-goldens: $id: sysdig exit $status: $(head -3 "$tmp/stderr")" >&2
    exit 1
  fi
  if [ "$compare" = ties ]; then
    for ((i = 1; i < runs; i++)); do
      run "$sample" "$args" >"$tmp/again.txt" 2>/dev/null
      d="$(ties_diff "$out/$id.txt" "$tmp/again.txt")"
      if [ -n "$d" ]; then
        echo "make-goldens: $id: output unstable across runs ($d)" >&2
        exit 1
      fi
    done
  else
    run "$sample" "$args" >"$tmp/again.txt" 2>/dev/null
    cmp -s "$out/$id.txt" "$tmp/again.txt" || { echo "make-goldens: $id: output not reproducible" >&2; exit 1; }
  fi
  printf '%s\t%s\t%s\t%s\n' "$id" "$sample" "$args" "$compare" >>"$out/cases.tsv"
  printf '%s\t%s\t%s\t%s\n' "$id" "$(wc -l <"$out/$id.txt" | tr -d ' ')" "$(wc -c <"$out/$id.txt" | tr -d ' ')" "$status" >>"$out/counts.tsv"
  echo "$id: $(wc -l <"$out/$id.txt" | tr -d ' ') lines"
done
