# Conditional-sampling cost against lambda (tools/bench_access.py): draws
# per logit vector by GLS2 Remark 5.8's formula with llr's constants
# (3 V e^{2 lambda} ln(2V/delta) / t^2, xi 0.1, delta 0.001) and the smallest
# power of two measured to learn a table V=4 T=3 (logits uniform in
# [-lambda/2, lambda/2)) within exact TV
# 0.005. Log scale: the formula is a straight line of slope 2.
#
# gnuplot -e "datafile='build/bench-access/sampling.tsv'; outfile='docs/plots/sampling.png'" tools/sampling.gp
if (!exists("datafile")) datafile = 'build/bench-access/sampling.tsv'
if (!exists("outfile")) outfile = 'docs/plots/sampling.png'
set terminal pngcairo size 900,600 enhanced font 'DejaVu Sans,11'
set output outfile
set logscale y
set xlabel "lambda (centred logits in [-lambda, lambda])"
set ylabel "conditional samples per logit vector"
set key top left
set grid
set datafile missing "-"
plot datafile using 1:2 every ::1 with linespoints pt 7 title "Remark 5.8 formula (xi 0.1, delta 0.001)", \
     datafile using 1:6 every ::1 with linespoints pt 5 title "measured: smallest 2^j with exact TV <= 0.005"
