#!/usr/bin/perl
# html-attrs.pl: what pandoc can lose on the way to HTML, checked in
# the finished page.  Fails (exit 1), saying what is wrong, when
#  - the glossary "Words used throughout" has fewer than 10 headwords
#    (<dt>) in the definition list that follows it;
#  - an attribute (an image's alt text, a title) holds TeX: a backslash
#    command or a dollar sign;
#  - \mathrm, \frac or $$ appears anywhere outside MathML.
# Usage: perl tests/html-attrs.pl docs/qlinear.html
use strict; use warnings;
my ($file) = @ARGV;
die "usage: $0 FILE.html\n" unless defined $file;
open my $fh, '<', $file or die "$file: $!\n";
my $html = do { local $/; <$fh> };
my $bad = 0;
my $dts = 0;
if ($html =~ /Words used throughout\.?<\/strong>.*?(<dl\b.*?<\/dl>|<div class="description">.*?<\/div>)/s) {
    my $list = $1;
    $dts = () = $list =~ /<dt\b/g;
} else {
    print "$file: no glossary 'Words used throughout' followed by a list\n";
    $bad = 1;
}
if ($dts < 10) {
    print "$file: the glossary 'Words used throughout' has $dts headwords (<dt>), want at least 10\n";
    $bad = 1;
}
my $nomath = $html;
$nomath =~ s/<math\b.*?<\/math>//gs;
my $attrs = 0;
while ($nomath =~ /<[A-Za-z][^>]*>/g) {
    my $tag = $&;
    while ($tag =~ /\s([a-z-]+)="([^"]*)"/g) {
        my ($name, $value) = ($1, $2);
        next unless $value =~ /\\[A-Za-z]+|\$/;
        print "$file: TeX in the $name attribute: ", substr($value, 0, 100), "\n";
        $bad = 1; $attrs++;
    }
}
my $text = $nomath;
$text =~ s/<(pre|code|script|style)\b.*?<\/\1>//gs;
for my $tex ('\mathrm', '\frac', '$$') {
    my $n = () = $text =~ /\Q$tex\E/g;
    if ($n) { print "$file: $tex appears $n times outside MathML\n"; $bad = 1 }
}
print "html-attrs: glossary with $dts headwords; no TeX in attributes or outside MathML\n"
    unless $bad;
exit $bad;
