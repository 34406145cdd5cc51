# bench-ratios.awk: from the `bench M K N IMPL GOPS` lines of `make bench`
# (in rounds, each started by a `# round R` line), one line per shape:
# our best bit-exact kernel (the fastest qlinear-ENGINE over all rounds)
# and its ratio to the best of oneDNN and of XNNPACK, then the lowest
# and highest ratio of a single round (ours and theirs measured side by
# side), so that the spread is on record.
/^# round / { r = $3 }
$1 == "bench" {
    s = $2 " " $3 " " $4
    if (!(s in seen)) { seen[s] = 1; order[++n] = s }
    if ($5 ~ /^qlinear-/) {
        if ($6 + 0 > best[s] + 0) { best[s] = $6; who[s] = $5 }
        if ($6 + 0 > rbest[s, r] + 0) rbest[s, r] = $6
        rounds[s, r] = 1
    }
    if ($5 == "qlinear-onednn" && $6 + 0 > same[s] + 0) same[s] = $6
    if ($5 ~ /^qlinear-xnnpack/ && $6 + 0 > samex[s] + 0) samex[s] = $6
    if ($5 == "torch-onednn") { if ($6 + 0 > dnn[s] + 0) dnn[s] = $6; rdnn[s, r] = $6 }
    if ($5 == "xnnpack") { if ($6 + 0 > xnn[s] + 0) xnn[s] = $6; rxnn[s, r] = $6 }
    if (r > maxr) maxr = r
}
function range(s, their,    lo, hi, q, v) {
    lo = ""; hi = ""
    for (q = 0; q <= maxr; q++)
        if ((s, q) in rounds && their[s, q] + 0 > 0) {
            v = rbest[s, q] / their[s, q]
            if (lo == "" || v < lo) lo = v
            if (hi == "" || v > hi) hi = v
        }
    return lo == "" ? "-" : sprintf("%.2f..%.2f", lo, hi)
}
END {
    for (i = 1; i <= n; i++) {
        s = order[i]
        printf "ratio %s %s %.1f vs-onednn %s vs-xnnpack %s onednn-vs-onednn %s xnnpack-vs-xnnpack %s\n",
            s, who[s], best[s],
            dnn[s] ? sprintf("%.2f", best[s] / dnn[s]) : "-",
            xnn[s] ? sprintf("%.2f", best[s] / xnn[s]) : "-",
            dnn[s] && same[s] ? sprintf("%.2f", same[s] / dnn[s]) : "-",
            xnn[s] && samex[s] ? sprintf("%.2f", samex[s] / xnn[s]) : "-"
        printf "# ratio-per-round %s vs-onednn %s vs-xnnpack %s\n", s,
            range(s, rdnn), range(s, rxnn)
    }
}
