#!/usr/bin/env bash
# mutants.sh [LIST [ID...]] -- the mutation suite (make mutants): each
# mutant of tests/mutants.txt (or LIST), one at a time, in a scratch copy
# of qlinear.nw under build/mutants/, tangled and built (the library, the
# command and the Check suite only), then the code tests: the catalogue
# of bad inputs, the command's contract, compare's causes and the Check
# suite.  A mutant is killed when one of them fails.  With IDs, only
# those mutants; with MUTANTS_CI=1, only those marked "ci" (the subset
# that .ci/run runs).  MUTANTS_JOBS (default 2, at most 2) at a time.
#
# The summary line is "mutants: K killed, S survived, E equivalent"; the
# script fails when a mutant not marked equivalent survives, when one
# marked equivalent is killed (then it is not equivalent), and when a
# mutant does not apply: its text is not found exactly once in its
# chunk's code, it does not change the file it names, it changes
# another, or it does not build.  Never touches qlinear.nw itself.
set -uo pipefail
list=${1:-tests/mutants.txt}
shift || true
want_ids=" $* "
jobs=${MUTANTS_JOBS:-2}
(( jobs >= 1 && jobs <= 2 )) || jobs=2
top=${MUTANTS_DIR:-build/mutants}
LIB="qlinear.c engines.c exact.c reader.c forum.c kernels.c"
ROOTS="qlinear.h $LIB main.c check-qlinear.c"
MAKE=${MAKE:-make}
rm -rf "$top"
mkdir -p "$top/results"

# --- parse the list into one file per mutant: id, file, in, old, new, eq
perl -e '
    my ($list, $dir, $want) = @ARGV;
    open my $f, "<", $list or die "mutants: cannot open $list\n";
    my (@m, $cur);
    while (<$f>) {
        chomp;
        next if /^\s*(#|$)/;
        if (/^mutant (\S+) (\S+)( ci)?$/) { push @m, $cur = { file => $1, id => $2, ci => $3, line => $. }; next }
        die "mutants: $list:$.: a line before the first \"mutant FILE ID\"\n" unless $cur;
        if (/^(in|old|new|equivalent) (.*)$/) {
            die "mutants: $list:$.: a second \"$1\"\n" if exists $cur->{$1};
            $cur->{$1} = $2; next }
        die "mutants: $list:$.: expected in, old, new or equivalent, found: $_\n";
    }
    my %seen; my $n = 0;
    for my $m (@m) {
        die "mutants: $list:$m->{line}: mutant $m->{id} has no \"old\" or no \"new\"\n"
            unless defined $m->{old} && defined $m->{new};
        die "mutants: $list:$m->{line}: mutant $m->{id}: old and new are the same\n"
            if $m->{old} eq $m->{new};
        die "mutants: $list:$m->{line}: two mutants named $m->{id}\n" if $seen{$m->{id}}++;
        next if $want =~ /\S/ && $want !~ / \Q$m->{id}\E /;
        next if $ENV{MUTANTS_CI} && !$m->{ci};
        $n++;
        open my $o, ">", sprintf("%s/%03d", $dir, $n) or die;
        print $o join("\n", $m->{id}, $m->{file}, $m->{in} // "", $m->{old},
                      $m->{new}, $m->{equivalent} // ""), "\n";
    }
    die "mutants: no mutant selected\n" unless $n;
' "$list" "$top/results" "$want_ids" || exit 2
ls "$top"/results/[0-9]* > "$top/queue"

# apply NW OUT ID IN OLD NEW -- OUT is NW with OLD replaced by NEW, where
# OLD occurs exactly once in the code of chunk IN (or of any chunk).
apply() {
    perl -e '
        my ($nw, $out, $id, $in, $old, $new) = @ARGV;
        open my $f, "<", $nw or die; my @l = <$f>; close $f;
        # IN is "<<chunk name>>" (its code), or a text found exactly
        # once in the code: the place is from there to the end of that
        # chunk definition.  Without IN, all the code.
        # Only the code of the library: the chunks its six roots use.
        my ($chunk, @hits, @anchor, %uses, %lib);
        for my $i (0 .. $#l) {
            if ($l[$i] =~ /^<<(.*)>>=\s*$/) { $chunk = $1; next }
            if ($l[$i] =~ /^@( |$)/) { undef $chunk; next }
            push @{$uses{$chunk}}, $1 while defined $chunk && $l[$i] =~ /<<(.*?)>>/g;
        }
        my @todo = split " ", $ENV{LIB};
        while (defined(my $c = shift @todo)) {
            next if $lib{$c}++;
            push @todo, @{$uses{$c} // []};
        }
        undef $chunk;
        for my $i (0 .. $#l) {
            if ($l[$i] =~ /^<<(.*)>>=\s*$/) { $chunk = $lib{$1} ? $1 : undef; next }
            if ($l[$i] =~ /^@( |$)/) { undef $chunk; next }
            push @anchor, $i if defined $chunk && $in !~ /^<<.*>>$/
                                        && $in ne "" && index($l[$i], $in) >= 0;
        }
        my ($from, $to) = (0, $#l);
        if ($in ne "" && $in !~ /^<<.*>>$/) {
            die "mutant $id: place \"$in\" is in the code " . @anchor . " times\n"
                unless @anchor == 1;
            $from = $anchor[0];
            $to = $from; $to++ while $to < $#l && $l[$to + 1] !~ /^@( |$)/;
        }
        undef $chunk;
        for my $i (0 .. $#l) {
            if ($l[$i] =~ /^<<(.*)>>=\s*$/) { $chunk = $lib{$1} ? $1 : undef; next }
            if ($l[$i] =~ /^@( |$)/) { undef $chunk; next }
            next unless defined $chunk && $i >= $from && $i <= $to;
            next if $in =~ /^<<(.*)>>$/ && $chunk ne $1;
            my $n = () = $l[$i] =~ /\Q$old\E/g;
            push @hits, ($i) x $n;
        }
        my $where = $in eq "" ? "the code of the library" : "place $in";
        die "mutant $id: \"$old\" is not in $where\n" unless @hits;
        die "mutant $id: \"$old\" is in $where " . @hits . " times\n" if @hits > 1;
        $l[$hits[0]] =~ s/\Q$old\E/$new/;
        open my $o, ">", $out or die; print $o @l;
        print $hits[0] + 1, "\n";
    ' "$@"
}
export LIB

# run_one RESULT WORKDIR -- apply, build and test one mutant; RESULT gets
# a line "STATUS ID FILE LINE DETAIL".
run_one() {
    local r=$1 w=$2 id file in old new eq line changed t
    { read -r id; read -r file; read -r in; read -r old; read -r new; read -r eq; } < "$r"
    out() { echo "$1 $id $file ${line:-?} $2" > "$r.result"; }
    line=$(apply "$top/qlinear.nw" "$w/qlinear.nw" "$id" "$in" "$old" "$new" 2> "$r.log") \
        || { out error "$(cat "$r.log")"; return; }
    for f in $ROOTS; do
        case $f in *.c) L=-L;; *) L=;; esac
        (cd "$w" && notangle $L -R"$f" qlinear.nw) > "$w/new-$f" 2>> "$r.log" \
            || { out error "notangle failed"; return; }
    done
    # The mutant must change its own file and no other.
    changed=$(for f in $ROOTS; do cmp -s "$w/new-$f" "$top/base/src/$f" || echo "$f"; done)
    [[ $changed == "$file" ]] \
        || { out error "changes [${changed//$'\n'/ }], not $file"; return; }
    [[ -z ${MUTANTS_DRY:-} ]] || { out survived "(applies; not built: MUTANTS_DRY)"; return; }
    for f in $ROOTS; do cpif "$w/src/$f" < "$w/new-$f"; done
    touch "$w/src/.stamp"
    $MAKE --no-print-directory -s NW="$w/qlinear.nw" SRC="$w/src" \
        PLAIN="$w/plain" ROOTS="$ROOTS" B="$w" "$w/qlinear" \
        "$w/check-qlinear" >> "$r.log" 2>&1 \
        || { out error "does not build (see $r.log)"; return; }
    for t in bad-inputs cli-contract compare; do
        timeout 120 "tests/$t.sh" "$w/qlinear" >> "$r.log" 2>&1 \
            || { out killed "by tests/$t.sh"; return; }
    done
    # The Check suite one test case at a time, so that a mutant dies at
    # its first failing case instead of after the whole suite.
    while read -r t; do
        CK_RUN_CASE=$t timeout 600 "$w/check-qlinear" >> "$r.log" 2>&1 \
            || { out killed "by the Check suite: $(grep -m1 -oE '[^ ]+:[0-9]+:[EF]:[^:]*:[^:]*' "$r.log" || echo "case $t")"; return; }
    done < "$top/cases"
    out survived ""
}

# --- the pristine sources, once, and a build directory per worker -----
# (from a snapshot, so that an edit of qlinear.nw during a run changes
# nothing)
mkdir -p "$top/base/src"
cp qlinear.nw "$top/qlinear.nw"
for f in $ROOTS; do
    case $f in *.c) L=-L;; *) L=;; esac
    (cd "$top" && notangle $L -R"$f" qlinear.nw) > "$top/base/src/$f"
done
# The test cases, from the pristine suite (a mutant cannot drop one).
$MAKE --no-print-directory -s build/check-qlinear > /dev/null \
    && build/check-qlinear --list > "$top/cases" && [[ -s $top/cases ]] \
    || { echo "mutants: cannot list the Check suite's test cases" >&2; exit 2; }
worker() {
    local w=$top/w$1 r
    mkdir -p "$w/src" "$w/plain"
    cp "$top"/base/src/* "$w/src/"
    cp "$top/qlinear.nw" "$w/qlinear.nw"
    touch "$w/src/.stamp"
    while read -r r; do
        run_one "$r" "$w"
        read -r status id file line detail < "$r.result"
        printf '%-9s %-30s %-10s qlinear.nw:%-6s %s\n' "$status" "$id" \
            "$file" "$line" "$detail"
    done < <(awk -v j="$jobs" -v i="$1" 'NR % j == i' "$top/queue")
}
start=$(date +%s)
for i in $(seq 0 $((jobs - 1))); do worker "$i" & done
wait
secs=$(( $(date +%s) - start ))

# --- the verdict --------------------------------------------------------
killed=0 survived=0 equivalent=0 bad=0 files=""
report=""
for r in $(cat "$top/queue"); do
    read -r status id file line detail < "$r.result"
    eq=$(sed -n 6p "$r")
    files="$files $file"
    case $status in
    error) bad=$((bad + 1)); report+="  error: $id ($file, qlinear.nw:$line): $detail"$'\n' ;;
    killed)
        if [[ -n $eq ]]; then
            bad=$((bad + 1)); report+="  marked equivalent, but killed $detail: $id ($file, qlinear.nw:$line)"$'\n'
        else killed=$((killed + 1)); fi ;;
    survived)
        if [[ -n $eq ]]; then equivalent=$((equivalent + 1))
        else survived=$((survived + 1)); report+="  survived: $id ($file, qlinear.nw:$line): $(sed -n 4p "$r") -> $(sed -n 5p "$r")"$'\n'; fi ;;
    esac
done
nfiles=$(tr ' ' '\n' <<< "$files" | sort -u | grep -c .)
echo "mutants: $killed killed, $survived survived, $equivalent equivalent" \
     "($(wc -l < "$top/queue") mutants of $nfiles files, $jobs at a time, ${secs} s)"
printf '%s' "$report"
[[ $survived == 0 && $bad == 0 ]]
