# Exact TV of gls and of the spectral baseline at equal distinct-query
# budgets, one pair of bars per (teacher, rank) of tools/bench_approx.py
# (which writes datafile: label, gls TV or NaN when gls refused, spectral
# TV). Log scale; a missing green bar is a refusal.
#
# gnuplot -e "datafile='build/bench-approx/plot.dat'; outfile='docs/plots/approx.png'" tools/approx.gp

if (!exists("datafile")) datafile = 'build/bench-approx/plot.dat'
if (!exists("outfile")) outfile = 'docs/plots/approx.png'

set terminal pngcairo size 1200,650 enhanced font 'DejaVu Sans,10'
set output outfile
set title "Approximately low-rank teachers: exact TV at equal distinct logit-query budgets\n(no green bar: gls stopped without a model)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set format y '10^{%L}'
set yrange [1e-6:2]
set ylabel 'exact TV(teacher, learned) (log scale)'
set xtics rotate by -40 scale 0 font ',9'
set grid ytics lc rgb '#dddddd'
set key top left box opaque
set datafile missing 'NaN'
plot datafile using 2:xtic(1) title 'gls (GLS2)' lc rgb '#1b9e77', \
     '' using 3 title 'spectral (baseline), same budget' lc rgb '#d95f02'
