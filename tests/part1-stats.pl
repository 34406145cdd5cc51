#!/usr/bin/perl
# part1-stats.pl: keeps Part I (the walkthrough) a reader's path.
# Usage: perl tests/part1-stats.pl qlinear.nw [MAX_SHARE [MAX_REFS]]
# Part I is every line from "\part{The walkthrough}" up to the next
# "\part{...}".  It prints, and fails (exit 1) when over its limit:
#  - the code share: lines inside code chunks (from "<<name>>=" up to,
#    not including, the "@" that ends the chunk) over all of Part I's lines;
#  - the references (\ref, \pageref) from Part I to labels that are
#    defined after Part I ends, in Parts II and III;
#  - identifiers (named by "@ %def") that a Part I chunk uses before the
#    chunk that defines them: functions called, and ql_/QL_ names.
use strict; use warnings;
my ($file, $max_share, $max_refs) = @ARGV;
die "usage: $0 qlinear.nw [MAX_SHARE [MAX_REFS]]\n" unless defined $file;
$max_share //= 0.20; $max_refs //= 8;
open my $fh, '<', $file or die "$file: $!\n";
my @l = <$fh>;
my ($start, $end);
for my $i (0 .. $#l) {
    if ($l[$i] =~ /^\\part\{The walkthrough\}/) { $start = $i }
    elsif (defined $start && !defined $end && $l[$i] =~ /^\\part\{/) { $end = $i }
}
die "$file: no \\part{The walkthrough} followed by another \\part\n"
    unless defined $start && defined $end;
my ($lines, $code, $in) = (0, 0, 0);
for my $i ($start .. $end - 1) {
    $lines++;
    $in = 1 if $l[$i] =~ /^<<.*>>=\s*$/;
    if ($in) { if ($l[$i] =~ /^@( |$)/) { $in = 0 } else { $code++ } }
}
my %late;
for my $i ($end .. $#l) { $late{$1} = $i + 1 while $l[$i] =~ /\\label\{([^}]+)\}/g }
my @refs;
for my $i ($start .. $end - 1) {
    next if $l[$i] =~ /^\s*%/;
    while ($l[$i] =~ /\\(?:page)?ref\{([^}]+)\}/g) {
        push @refs, sprintf("line %d -> %s (line %d)", $i + 1, $1, $late{$1}) if $late{$1};
    }
}
my (%def, $cs);
for my $i (0 .. $#l) {
    $cs = $i if $l[$i] =~ /^<<.*>>=\s*$/;
    if ($l[$i] =~ /^@ %def (.*)/) { $def{$_} //= $cs for split ' ', $1 }
}
my @early;
$in = 0;
for my $i ($start .. $end - 1) {
    if ($l[$i] =~ /^<<.*>>=\s*$/) { $in = 1; $cs = $i; next }
    if ($l[$i] =~ /^@( |$)/) { $in = 0; next }
    next unless $in;
    while ($l[$i] =~ /\b([A-Za-z_]\w*)\b(\s*\()?/g) {
        my ($id, $call) = ($1, $2);
        next unless $call || $id =~ /^(ql|QL)_/;
        my $d = $def{$id};
        push @early, sprintf("line %d uses %s, defined at line %d", $i + 1, $id, $d + 1)
            if defined $d && $d > $cs;
    }
}
my $share = $code / $lines;
my $bad = 0;
printf "part1-stats: Part I (lines %d-%d) has %d code lines of %d, a share of %.3f (limit %.2f)\n",
    $start + 1, $end, $code, $lines, $share, $max_share;
if ($share > $max_share) {
    print "part1-stats: too much code in Part I: move tests, figure scripts and declarations to Part III\n";
    $bad = 1;
}
printf "part1-stats: %d references from Part I into Parts II and III (limit %d)\n",
    scalar @refs, $max_refs;
if (@refs > $max_refs) { print "  $_\n" for @refs; $bad = 1 }
printf "part1-stats: %d identifiers used in Part I before the chunk that defines them\n",
    scalar @early;
if (@early) { print "  $_\n" for @early; $bad = 1 }
exit $bad;
