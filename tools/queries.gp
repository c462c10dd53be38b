# TV against distinct queries, one line per learner, on the sweep cell of
# tools/bench.sh (which writes datadir/plot_{gls,spectral,exhaustive}.dat:
# distinct_queries, tv, label). Log-log; a TV of 0 (or below the floor)
# cannot be drawn on a log axis and is plotted at the floor instead.
#
# gnuplot -e "datadir='build/bench'; outfile='docs/plots/queries.png'; V=8; d=3; T=7; seed=1" tools/queries.gp

if (!exists("datadir")) datadir = 'build/bench'
if (!exists("outfile")) outfile = 'docs/plots/queries.png'
if (!exists("floor")) floor = 1e-18
cell = exists("V") ? sprintf("ISAN V=%d, d=%d, T=%d, seed %d", V, d, T, seed) : "ISAN"

set terminal pngcairo size 1000,650 enhanced font 'DejaVu Sans,11'
set output outfile

set title sprintf("Exact TV against distinct logit queries (%s, exact oracle)\nTV = 0 is plotted at the floor %.0e; TV around 1e-15 is floating-point roundoff (exact recovery)", cell, floor)
set xlabel 'distinct queries (log scale)'
set ylabel 'exact TV(model, learned) (log scale)'
set logscale xy
set format x '10^{%L}'
set format y '10^{%L}'
set yrange [floor/10:10]
set ytics floor, 1000
set grid xtics ytics mxtics mytics lc rgb '#dddddd'
set key top right box opaque width 1 spacing 1.3
set arrow from graph 0, first floor to graph 1, first floor nohead dt 3 lc rgb '#888888'
set label sprintf("floor %.0e (TV = 0)", floor) at graph 0.01, first floor*2.5 tc rgb '#666666' font ',9'

fl(y) = (y < floor) ? floor : y
f(m) = sprintf('%s/plot_%s.dat', datadir, m)

plot f('gls') using 1:(fl($2)) with linespoints lw 2 pt 7 ps 1.6 lc rgb '#1b9e77' \
        title 'gls (GLS2), points labelled by --eps', \
     '' using 1:(fl($2)):3 with labels offset 0,-1.2 font ',9' tc rgb '#1b9e77' notitle, \
     f('spectral') using 1:(fl($2)) with linespoints lw 2 dt 2 pt 5 ps 1.4 lc rgb '#d95f02' \
        title 'spectral (baseline), points labelled by --spanner-n', \
     '' using 1:(fl($2)):3 with labels offset 0,1.2 font ',9' tc rgb '#d95f02' notitle, \
     f('exhaustive') using 1:(fl($2)) with linespoints lw 2 pt 9 ps 2.2 lc rgb '#7570b3' \
        title 'exhaustive (baseline), all sum_{t<T} V^t prefixes', \
     '' using 1:(fl($2)):1 with labels offset 0,-1.4 font ',9' tc rgb '#7570b3' notitle
