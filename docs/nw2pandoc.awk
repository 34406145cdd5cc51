# nw2pandoc.awk -- a noweb back end that turns the markup stream of
# qlinear.nw into LaTeX that pandoc can read: prose passes through,
# each code chunk becomes a verbatim block with a linked header and a
# footer that links its uses and its users.  Run it twice over the
# same stream:  awk -f nw2pandoc.awk pass=1 F pass=2 F
# (see the noweb hacker's guide for the markup format).

function slug(name) { return "nw-" nameid[name] }
function texify(s,    out, i, c) {       # escape for \texttt
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\") out = out "\\textbackslash{}"
        else if (c == "~") out = out "\\textasciitilde{}"
        else if (c == "^") out = out "\\textasciicircum{}"
        else if (index("_#%&{}$", c)) out = out "\\" c
        else out = out c
    }
    return out
}
function showname(name,    out, rest, i, j) {   # [[code]] in names
    out = ""; rest = name
    while ((i = index(rest, "[[")) > 0) {
        j = index(substr(rest, i + 2), "]]")
        if (j == 0) break
        out = out substr(rest, 1, i - 1) "\\texttt{" \
              texify(substr(rest, i + 2, j - 1)) "}"
        rest = substr(rest, i + j + 3)
    }
    return "⟨" out rest "⟩"
}
function plainname(name) { gsub(/\[\[|\]\]/, "", name); return name }
function link(name) {
    return "\\hyperlink{" slug(name) "}{" showname(name) "}"
}

# Equations: pandoc numbers none, so we number them here and turn each
# \ref{eq:...} into a link to an anchor placed before the equation.
pass == 1 && /^@text / && index($0, "\\begin{equation}") { neq++ }
pass == 1 && /^@text / && match($0, /\\label\{eq:[^}]*\}/) {
    lab = substr($0, RSTART + 7, RLENGTH - 8); eqlabel[neq] = lab; eqnum[lab] = neq
}
# Appendices: pandoc numbers every section with digits, so after
# \appendix we letter the sections ourselves (A, A.1, ...) and turn
# \ref to their labels into links with those letters.
pass == 1 && /^@text / && index($0, "\\appendix") { inapp = 1 }
pass == 1 && /^@text \\section\{/ && inapp { na++; ns = 0; cursec = letter(na) }
pass == 1 && /^@text \\subsection\{/ && inapp { ns++; cursec = letter(na) "." ns }
pass == 1 && /^@text / && inapp && match($0, /\\label\{sec:[^}]*\}/) {
    applabel[substr($0, RSTART + 7, RLENGTH - 8)] = cursec
}
function letter(n) { return substr("ABCDEFGHIJKLMNOPQRSTUVWXYZ", n, 1) }
pass == 1 && /^@defn / {
    name = substr($0, 7)
    if (!(name in nameid)) { nameid[name] = ++nnames; names[nnames] = name }
    ndefs[name]++; cur = name
}
pass == 1 && /^@use / {
    used = substr($0, 6)
    if (!((used, cur) in seenuse)) {
        seenuse[used, cur] = 1
        users[used] = users[used] (users[used] == "" ? "" : ", ") link(cur)
    }
}
pass == 1 { next }

/^@begin docs/ { indocs = 1; next }
/^@end docs/   { indocs = 0; next }
/^@begin code/ { incode = 1; line = ""; uses = ""; delete chunkuses; next }
/^@defn /      {
    cur = substr($0, 7); seen[cur]++
    anchor = seen[cur] == 1 ? slug(cur) : slug(cur) "-" seen[cur]
    printf "\n\\hypertarget{%s}{\\textbf{%s%s}}\n", anchor, showname(cur), (seen[cur] > 1 ? " +≡" : " ≡")
    print "\\begin{verbatim}"
    skipnl = 1; next
}
/^@use / {
    u = substr($0, 6); line = line "⟨" plainname(u) "⟩"
    if (!(u in chunkuses)) {
        chunkuses[u] = 1; uses = uses (uses == "" ? "" : ", ") link(u)
    }
    next
}
/^@quote/    { inquote = 1; qtext = ""; next }
/^@endquote/ { inquote = 0; printf "\\texttt{%s}", texify(qtext); next }
/^@text / {
    t = substr($0, 7)
    if (inquote) qtext = qtext t
    else if (incode) line = line t
    else if (t ~ /^\\(noweboptions|pagestyle)/) dropline = 1
    else if (t ~ /^\\part\{/) {     # pandoc would number a part 1 and
        split("I II III IV V", roman)   # its sections 1.0.1: an
        sub(/^\\part\{/, "", t)         # unnumbered heading instead
        printf "\\section*{Part %s. %s", roman[++npart], t
    }
    else if (t ~ /\\(paragraph|begin\{figure|caption)/) printf "%s", equations(runin(t))
    else if (t ~ /^\\nowebchunks/) chunklist()
    else if (t ~ /^\\nowebindex/) identlist()
    else printf "%s", equations(t)
    next
}
/^@nl/ {
    if (incode) {
        if (skipnl) skipnl = 0; else print line
        line = ""
    } else if (dropline) dropline = 0
    else print ""
    next
}
/^@index defn / {
    id = substr($0, 13)
    if (!(id in identdef)) { identdef[id] = cur; idents[++nidents] = id }
    next
}
/^@end code/ {
    incode = 0
    print "\\end{verbatim}"
    print "\\begin{small}"
    if (seen[cur] < ndefs[cur])
        printf "Continued in \\hyperlink{%s-%d}{the next definition}. ", slug(cur), seen[cur] + 1
    if (uses != "") printf "Uses %s. ", uses
    if (users[cur] != "") printf "Used in %s.", users[cur]
    else printf "Root chunk: written to the file %s.", plainname(cur)
    print "\n\\end{small}\n"
    next
}
function appendices(t,    lab) {
    if (index(t, "\\appendix")) { inapp2 = 1; sub(/\\appendix/, "", t) }
    if (inapp2 && t ~ /^\\section\{/) {
        na2++; ns2 = 0
        sub(/^\\section\{/, "\\section*{" letter(na2) "~", t)
    } else if (inapp2 && t ~ /^\\subsection\{/) {
        ns2++
        sub(/^\\subsection\{/, "\\subsection*{" letter(na2) "." ns2 "~", t)
    }
    while (match(t, /\\ref\{sec:[^}]*\}/) \
           && (substr(t, RSTART + 5, RLENGTH - 6) in applabel)) {
        lab = substr(t, RSTART + 5, RLENGTH - 6)
        t = substr(t, 1, RSTART - 1) "\\hyperlink{" lab "}{" applabel[lab] "}" \
            substr(t, RSTART + RLENGTH)
    }
    return t
}
# Figures: pandoc's captions carry no number, so "Figure N. " is put in
# front of each, counted as LaTeX counts them.  A \paragraph is a run-in
# heading, not a level pandoc would number (as 5.4.0.3): bold text.
# Its title may hold one level of braces (quoted code, a macro).
function runin(t,    head) {
    if (index(t, "\\begin{figure")) nfig++
    if (index(t, "\\caption{"))
        sub(/\\caption\{/, "\\caption{Figure " nfig ". ", t)
    while (match(t, /\\paragraph\{([^{}]|\{[^{}]*\})*\}/)) {
        head = substr(t, RSTART + 11, RLENGTH - 12)
        t = substr(t, 1, RSTART - 1) "\\emph{\\textbf{" head "}}" \
            substr(t, RSTART + RLENGTH)
    }
    return t
}
function equations(t,    lab) {
    t = appendices(t)
    gsub(/\\Bigl/, "\\Big", t)    # pandoc 2.17's texmath knows \Big,
    gsub(/\\Bigr/, "\\Big", t)    # not \Bigl and \Bigr
    if (index(t, "\\begin{equation}")) {
        seq++
        sub(/\\begin\{equation\}/, "\\hypertarget{eq:" eqlabel[seq] "}{}\n\\[", t)
    }
    gsub(/\\label\{eq:[^}]*\}/, "", t)
    if (index(t, "\\end{equation}"))
        sub(/\\end\{equation\}/, "\\qquad\\text{(" seq ")}\\]", t)
    while (match(t, /\\ref\{eq:[^}]*\}/)) {
        lab = substr(t, RSTART + 5, RLENGTH - 6)
        t = substr(t, 1, RSTART - 1) "\\hyperlink{eq:" lab "}{" eqnum[lab] "}" \
            substr(t, RSTART + RLENGTH)
    }
    return t
}
function chunklist(   i, n, sorted) {
    n = 0
    for (i = 1; i <= nnames; i++) sorted[++n] = names[i]
    sortstrings(sorted, n)
    print "\\begin{itemize}"
    for (i = 1; i <= n; i++) print "\\item " link(sorted[i])
    print "\\end{itemize}"
}
function identlist(   i, n, sorted) {
    n = 0
    for (i = 1; i <= nidents; i++) sorted[++n] = idents[i]
    sortstrings(sorted, n)
    print "\\begin{itemize}"
    for (i = 1; i <= n; i++)
        print "\\item \\texttt{" texify(sorted[i]) "}: " link(identdef[sorted[i]])
    print "\\end{itemize}"
}
function sortstrings(a, n,   i, j, t) {     # insertion sort, small n
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && tolower(a[j-1]) > tolower(a[j]); j--) {
            t = a[j]; a[j] = a[j-1]; a[j-1] = t
        }
}
