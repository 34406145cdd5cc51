# bench-book.awk: the book's table, numbers and plot data from committed
# `make bench` results (tests/bench/*.txt, ratio lines included).
# Writes OUT.tex (macros), OUT-table.tex and OUT.dat (for gnuplot); run as
#   awk -v out=build/gen/bench -f tests/bench-book.awk RESULTS
function tex(s) { gsub(/_/, "\\_", s); gsub(/%/, "\\%", s); return s }
/^# cpu:/   { sub(/^# cpu: */, ""); cpu = $0 }
/^# flags:/ { sub(/^# flags: */, ""); flags = $0 }
/^# date:/  { sub(/^# date: */, ""); date = $0 }
$1 == "bench" {
    s = $2 "x" $3 "x" $4
    if (!(s in seen)) { seen[s] = 1; shape[++ns] = s }
    if (!($5 in iseen)) { iseen[$5] = 1; impl[++ni] = $5 }
    if ($6 + 0 > g[$5, s] + 0) g[$5, s] = $6
}
$1 == "ratio" {
    s = $2 "x" $3 "x" $4; k = ++nr
    rbest[k] = $5; rgops[k] = $6; rdnn[k] = $8; rxnn[k] = $10; rsame[k] = $12; rsamex[k] = $14
}
$1 == "#" && $2 == "ratio-per-round" { k2++; pdnn[k2] = $7; pxnn[k2] = $9 }
function letters(s) { gsub(/[^a-z]/, "", s); return s }
function letter(i) { return substr("ABCDEFGH", i, 1) }
function order(    i, n, p, pref) {
    # steps first, then our engines, then the peers
    split("step- qlinear- torch- xnnpack", pref, " ")
    n = 0
    for (p = 1; p <= 4; p++)
        for (i = 1; i <= ni; i++)
            if (index(impl[i], pref[p]) == 1) sorted[++n] = impl[i]
    return n
}
END {
    t = out ".tex"; d = out ".dat"
    printf "\\newcommand{\\BenchCpu}{%s}\n", tex(cpu) > t
    printf "\\newcommand{\\BenchFlags}{%s}\n", tex(flags) > t
    printf "\\newcommand{\\BenchDate}{%s}\n", tex(date) > t
    for (k = 1; k <= nr; k++) {
        L = letter(k)
        printf "\\newcommand{\\BenchShape%s}{%s}\n", L, shape[k] > t
        printf "\\newcommand{\\BenchBest%s}{\\texttt{%s}}\n", L, rbest[k] > t
        printf "\\newcommand{\\BenchBestGops%s}{%s}\n", L, rgops[k] > t
        printf "\\newcommand{\\BenchVsOnednn%s}{%s}\n", L, rdnn[k] > t
        printf "\\newcommand{\\BenchVsXnnpack%s}{%s}\n", L, rxnn[k] > t
        printf "\\newcommand{\\BenchSameOnednn%s}{%s}\n", L, rsame[k] > t
        printf "\\newcommand{\\BenchSameXnnpack%s}{%s}\n", L, rsamex[k] > t
        x = pdnn[k]; sub(/\.\./, "--", x)
        printf "\\newcommand{\\BenchRoundsOnednn%s}{%s}\n", L, x > t
        x = pxnn[k]; sub(/\.\./, "--", x)
        printf "\\newcommand{\\BenchRoundsXnnpack%s}{%s}\n", L, x > t
    }
    for (i = 1; i <= ni; i++)
        for (j = 1; j <= ns; j++)
            if (impl[i] ~ /^(step-|qlinear-onednn$)/)
                printf "\\newcommand{\\BenchGops%s%s}{%s}\n", letters(impl[i]),
                    letter(j), g[impl[i], shape[j]] > t
    n = order()
    t = out "-table.tex"
    printf "\\begin{tabular}{@{}l%s@{}}\\toprule\n", substr("rrrrrrrr", 1, ns) > t
    printf "IMPL" > t
    for (j = 1; j <= ns; j++) { x = shape[j]; gsub(/x/, "\\times", x); printf " & $%s$", x > t }
    printf "\\\\\\midrule\n" > t
    for (i = 1; i <= n; i++) {
        printf "\\texttt{%s}", sorted[i] > t
        for (j = 1; j <= ns; j++)
            printf " & %s", (sorted[i], shape[j]) in g ? g[sorted[i], shape[j]] : "--" > t
        printf "\\\\%s\n", i < n && substr(sorted[i], 1, 4) != substr(sorted[i + 1], 1, 4) ? "\\midrule" : "" > t
    }
    printf "\\bottomrule\n\\end{tabular}\n" > t
    for (i = 1; i <= n; i++) {
        printf "%s", sorted[i] > d
        for (j = 1; j <= ns; j++) printf " %s", (sorted[i], shape[j]) in g ? g[sorted[i], shape[j]] : "NaN" > d
        printf "\n" > d
    }
}
