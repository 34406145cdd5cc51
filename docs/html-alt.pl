#!/usr/bin/perl -0777 -pi
# html-alt.pl: pandoc copies a figure's caption into the image's alt
# text as plain text, and math there stays TeX ($\frac{1}{2}$ becomes
# "\frac{1}{2}").  Rewrite the TeX in every attribute as the plain text
# a screen reader can say.  Usage: perl -0777 -pi docs/html-alt.pl FILE.html
my %sym = (times => '×', le => '≤', ge => '≥', ne => '≠', cdot => '·',
           ldots => '…', approx => '≈', pm => '±', to => '→', infty => '∞',
           langle => '⟨', rangle => '⟩', quad => ' ', qquad => '  ');
sub word {
    my ($w) = @_;
    for my $k (sort { length $b <=> length $a } keys %sym) {
        return " $sym{$k} " . substr($w, length $k) if index($w, $k) == 0;
    }
    return '';
}
sub plain {
    my ($t) = @_;
    1 while $t =~ s/\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}/$1\/$2/g;
    $t =~ s/\\[dt]?frac(\d)(\d)/$1\/$2/g;
    1 while $t =~ s/\\(?:mathrm|mathit|mathbf|text|texttt|operatorname|emph)\{([^{}]*)\}/$1/g;
    # pandoc drops the space after a command: "u8\\times s8" comes as
    # "u8\\timess8", so a known command may start a longer word.
    $t =~ s/\\([A-Za-z]+)\s?/word($1)/ge;
    $t =~ s/  +/ /g;
    $t =~ s/\$\$?//g;
    $t =~ s/[{}]//g;
    return $t;
}
s/(\s[a-z-]+=")([^"]*\\[^"]*)"/$1 . plain($2) . '"'/ge;
