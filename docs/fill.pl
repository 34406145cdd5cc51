#!/usr/bin/perl
# fill.pl NUMBERS.tex BOOK.aux < IN.md > OUT.md
# Prepares the instructor's guide and the slides for pandoc: every \Name
# that NUMBERS.tex defines (bookdata's generated numbers) becomes its
# value, and every \ref{label} the number the book gives that label, so
# the guide and the slides quote the book's numbers and sections and
# cannot drift from them; \nameref{label} becomes the title of that
# section, in Markdown.  An unknown label is an error.
use strict;
use warnings;
my ($numbers, $aux) = @ARGV;
die "usage: fill.pl NUMBERS.tex BOOK.aux < IN > OUT\n" unless defined $aux;
my (%value, %label, %title);
open my $n, '<', $numbers or die "fill.pl: $numbers: $!\n";
while (<$n>) { $value{$1} = $2 if /^\\newcommand\{\\(\w+)\}\{(.*)\}$/ }
open my $a, '<', $aux or die "fill.pl: $aux: $!\n";
while (<$a>) {
    next unless /^\\newlabel\{([^}]+)\}\{\{([^}]*)\}/;
    my $name = $1;
    $label{$name} = $2;
    $title{$name} = $1 if /^\\newlabel\{[^}]+\}\{\{[^}]*\}\{[^}]*\}\{((?:[^{}]|\{[^{}]*\})*)\}/;
}
sub ref_of {
    my ($name, $line) = @_;
    return $label{$name} if exists $label{$name};
    die "fill.pl: line $line: the book has no label $name\n";
}
sub title_of {
    my ($name, $line) = @_;
    my $t = $title{$name};
    die "fill.pl: line $line: the book has no title for $name\n"
        unless defined $t && $t ne '';
    $t =~ s/\\texttt \{([^{}]*)\}/`$1`/g;
    (my $rest = $t) =~ s/\$[^\$]*\$|`[^`]*`//g;
    die "fill.pl: line $line: cannot write the title of $name: $t\n"
        if $rest =~ /[\\{}]/;
    return $t;
}
while (my $line = <STDIN>) {
    $line =~ s/\\nameref\{([^}]+)\}/title_of($1, $.)/ge;
    $line =~ s/\\ref\{([^}]+)\}/ref_of($1, $.)/ge;
    $line =~ s/\\([A-Z]\w*)(\{\})?/exists $value{$1} ? $value{$1} : $&/ge;
    print $line;
}
