# bench-ratios.awk: from `bench M K N IMPL GOPS` lines, one line per shape
# with our best bit-exact kernel (the fastest qlinear-ENGINE) and its
# ratio to oneDNN and to XNNPACK.  Used by `make bench` and the book.
$1 == "bench" {
    s = $2 " " $3 " " $4
    if (!(s in seen)) { seen[s] = 1; order[++n] = s }
    if ($5 ~ /^qlinear-/ && $6 + 0 > best[s] + 0) { best[s] = $6; who[s] = $5 }
    if ($5 == "torch-onednn") onednn[s] = $6
    if ($5 == "xnnpack") xnn[s] = $6
}
END {
    for (i = 1; i <= n; i++) {
        s = order[i]
        printf "ratio %s %s %.1f vs-onednn %s vs-xnnpack %s\n", s, who[s], best[s],
            onednn[s] ? sprintf("%.2f", best[s] / onednn[s]) : "-",
            xnn[s] ? sprintf("%.2f", best[s] / xnn[s]) : "-"
    }
}
