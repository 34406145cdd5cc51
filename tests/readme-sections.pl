# readme-sections.pl TOC README: every section the README names as
# NUMBER "Title" (or Section NUMBER, "Title") must be that section of the book.
use strict; use warnings;
my ($toc, $readme) = @ARGV;
sub norm { my $s = shift; $s =~ s/\\[a-z]+\s*//g; $s =~ s/[\$`'"{}]|''|``//g;
           $s =~ s/\s+/ /g; $s =~ s/^ | $//g; return lc $s }
my %title;
open my $t, '<', $toc or die "readme-sections: cannot read $toc: $!\n";
while (<$t>) { $title{$1} = norm($2) if /\\numberline \{([\d.]+)\}(.*)\}\{\d+\}\{(?:sub)?section\./ }
open my $r, '<', $readme or die "readme-sections: cannot read $readme: $!\n";
my $text = do { local $/; <$r> };
my ($n, $bad) = (0, 0);
while ($text =~ /\b(\d+(?:\.\d+)?),?\s+"((?:[^"]|"(?=[^"\s]))+?)"/g) {
  my ($num, $name) = ($1, $2); $n++;
  my $line = 1 + (() = substr($text, 0, $-[0]) =~ /\n/g);
  next if defined $title{$num} && $title{$num} eq norm($name);
  printf "%s:%d: section %s is \"%s\" in the book, not \"%s\"\n", $readme, $line,
    $num, $title{$num} // '(none)', $name;
  $bad++;
}
print "check-readme: $n section names in $readme match the book\n" unless $bad;
exit($bad ? 1 : 0);
