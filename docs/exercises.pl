#!/usr/bin/perl
# exercises.pl BOOK.nw < TEMPLATE.md > OUT.md
# The participants' handout: the line @EXERCISES@ of the template becomes
# one section per exercise of the book's section "Workshop exercises":
# its title, its statement, the hint of its starting file, the file to
# edit, how to check it and the book's sections that its statement
# cites.  The tests and the solutions are not read, so they cannot leak.
# \ref{label}, \nameref{label} and the generated numbers (\Name) are left
# for fill.pl; any other LaTeX command outside math is an error, so that
# a new construct in a statement is noticed, not garbled.
use strict;
use warnings;
my ($nw) = @ARGV;
die "usage: exercises.pl BOOK.nw < TEMPLATE.md > OUT.md\n" unless defined $nw;
open my $in, '<:encoding(UTF-8)', $nw or die "exercises.pl: $nw: $!\n";
my (@ex, $cur, $where, $macros);
$macros = '';
while (my $line = <$in>) {
    if ($line =~ /^\\newcommand\{\\\w+\}\{\\(?:mathrm|operatorname)\{\w+\}\}$/) {
        $macros .= $line;        # \fl, \rne, ...: for pandoc's math
    } elsif ($line =~ /^\\subsection\{Exercise (\d+): (.*)\}$/) {
        $cur = { n => $1, title => $2, text => '', code => '' };
        push @ex, $cur;
        $where = 'text';
    } elsif ($line =~ /^\\(?:sub)?section\{|^\\appendix/) {
        $where = undef;          # the end of the exercises
    } elsif (!defined $where) {
    } elsif ($where eq 'text' && $line =~ /^<<exercises\/(.*\.c)>>=$/) {
        $cur->{file} = $1;
        $where = 'code';
    } elsif ($where eq 'text' && $line =~ /^<</) {
        die "exercises.pl: exercise $cur->{n}: a chunk before its"
            . " starting file\n";
    } elsif ($where eq 'code' && $line =~ /^@/) {
        $where = 'rest';         # the tests: not for the handout
    } elsif ($where ne 'rest' && $line !~ /^\\label\{/) {
        $cur->{$where} .= $line;
    }
}
die "exercises.pl: no exercises in $nw\n" unless @ex;
for my $i (0 .. $#ex) {
    die "exercises.pl: exercise $ex[$i]{n} is number " . ($i + 1) . "\n"
        unless $ex[$i]{n} == $i + 1;
    die "exercises.pl: exercise $ex[$i]{n} has no starting file\n"
        unless $ex[$i]{file};
}

# LaTeX prose to Markdown, math left as it is (pandoc reads it).
sub markdown {
    my ($t, $n) = @_;
    my @out;
    for my $part (split /(\\begin\{verbatim\}\n.*?\\end\{verbatim\}\n?)/s, $t) {
        if ($part =~ /^\\begin\{verbatim\}\n(.*?)\\end\{verbatim\}/s) {
            push @out, "\n\n```\n$1```\n\n";
            next;
        }
        my @code;                # [[code]] first: it may hold a $
        $part =~ s/\[\[(.*?)\]\]/push @code, $1; "\0" . $#code . "\0"/ge;
        my @bits = split /(\$[^\$]*\$)/, $part;
        for my $b (@bits) {
            next if $b =~ /^\$/;
            $b =~ s/\0(\d+)\0/`$code[$1]`/g;
            $b =~ s/\\texttt\{([^{}]*)\}/`$1`/g;
            $b =~ s/\\emph\{([^{}]*)\}/*$1*/g;
            $b =~ s/``/\x{201c}/g;
            $b =~ s/''/\x{201d}/g;
            $b =~ s/~/ /g;
            my $rest = $b;
            $rest =~ s/`[^`]*`//g;
            $rest =~ s/\\(?:ref|nameref)\{[^}]*\}//g;
            $rest =~ s/\\[A-Z]\w*(\{\})?//g;
            die "exercises.pl: exercise $n: cannot turn '$1' into Markdown\n"
                if $rest =~ /(\\[a-zA-Z]+|[{}])/;
        }
        my $joined = join '', @bits;
        die "exercises.pl: exercise $n: code inside math\n" if $joined =~ /\0/;
        push @out, $joined;
    }
    my $md = join '', @out;
    $md =~ s/\n{3,}/\n\n/g;
    $md =~ s/^\n+|\n+$//g;
    return $md;
}

# The hint of the starting file, a C comment "/* Hint: ... */".
sub hint {
    my ($e) = @_;
    $e->{code} =~ m{/\* Hint: (.*?)\*/}s
        or die "exercises.pl: exercise $e->{n}: no hint in its file\n";
    my $h = $1;
    $h =~ s/\s+/ /g;
    $h =~ s/\s+$//;
    $h =~ s/([\\`*_\[\]<>#|])/\\$1/g;
    return $h;
}

sub section {
    my ($e) = @_;
    my $file = "tests/exercises/$e->{file}";
    my $n = $e->{n};
    my %seen;
    my @refs = grep { !$seen{$_}++ }
               $e->{text} =~ /\\ref\{((?:sec|part):[^}]+)\}/g;
    die "exercises.pl: exercise $n cites no section of the book\n"
        unless @refs;
    my $read = join "; ", map { "\\ref{$_} \x{201c}\\nameref{$_}\x{201d}" }
               @refs;
    return "# Exercise $n: " . markdown($e->{title}, $n) . "\n\n"
        . markdown($e->{text}, $n) . "\n\n"
        . "**Hint:** " . hint($e) . "\n\n"
        . "- **Edit** `$file`\n"
        . "- **Check** with `make exercise N=$n`\n"
        . "- **Read** in the book: $read\n\n";
}

binmode STDOUT, ':encoding(UTF-8)';
binmode STDIN, ':encoding(UTF-8)';
my $done = 0;
while (my $line = <STDIN>) {
    if ($line eq "\@EXERCISES\@\n") {
        print $macros, "\n";
        print section($_) for @ex;
        $done = 1;
    } else {
        print $line;
    }
}
die "exercises.pl: the template has no line \@EXERCISES\@\n" unless $done;
