# The two resources on the sweep cell of tools/bench.sh, one line per
# learner (datadir/plot_{gls,spectral,exhaustive}.dat: distinct_queries,
# samples, tv, tv_certified, label). Left: TV against distinct logit
# queries; right: TV against teacher samples. Filled markers and solid
# lines: the certified TV (with probability >= 0.95, TV is at most this);
# open markers, dotted: the exact TV. Log-log; a TV of 0 (or below the
# floor) cannot be drawn on a log axis and is plotted at the floor instead.
#
# gnuplot -e "datadir='build/bench'; outfile='docs/plots/queries.png'; V=8; d=3; T=7; seed=1" tools/queries.gp

if (!exists("datadir")) datadir = 'build/bench'
if (!exists("outfile")) outfile = 'docs/plots/queries.png'
if (!exists("floor")) floor = 1e-18
cell = exists("V") ? sprintf("ISAN V=%d, d=%d, T=%d, seed %d", V, d, T, seed) : "ISAN"

set terminal pngcairo size 1400,700 enhanced font 'DejaVu Sans,11'
set output outfile

fl(y) = (y < floor) ? floor : y
f(m) = sprintf('%s/plot_%s.dat', datadir, m)
cg = '#1b9e77'; cs = '#d95f02'; ce = '#7570b3'

set multiplot layout 1,2 title sprintf("Certified TV (filled, solid) and exact TV (open, dotted) against the two resources (%s, exact oracle)\nTV = 0 is plotted at the floor %.0e; an exact TV around 1e-15 is floating-point roundoff (exact recovery)", cell, floor)

set logscale xy
set format x '10^{%L}'
set format y '10^{%L}'
set yrange [floor/10:10]
set ytics floor, 1000
set grid xtics ytics mxtics mytics lc rgb '#dddddd'
set key right center box opaque width 1 spacing 1.2 font ',9'
set arrow 1 from graph 0, first floor to graph 1, first floor nohead dt 3 lc rgb '#888888'
set ylabel 'TV(model, learned) (log scale)'

set title 'logit queries'
set xlabel 'distinct logit queries (log scale)'
plot f('gls') using 1:4 with linespoints lw 2 pt 7 ps 1.4 lc rgb cg \
        title 'gls (GLS2), certified; labels: --eps', \
     '' using 1:4:5 with labels offset 0,1.2 font ',9' tc rgb cg notitle, \
     '' using 1:(fl($3)) with linespoints lw 1 dt 3 pt 6 ps 1.4 lc rgb cg \
        title 'gls, exact', \
     f('spectral') using 1:4 with linespoints lw 2 dt 2 pt 5 ps 1.2 lc rgb cs \
        title 'spectral (baseline), certified; labels: --spanner-n', \
     '' using 1:4:5 with labels offset 0,-1.2 font ',9' tc rgb cs notitle, \
     '' using 1:(fl($3)) with linespoints lw 1 dt 3 pt 4 ps 1.2 lc rgb cs \
        title 'spectral, exact', \
     f('exhaustive') using 1:4 with points pt 9 ps 2 lc rgb ce \
        title 'exhaustive (baseline), certified', \
     '' using 1:(fl($3)) with points pt 8 ps 2 lc rgb ce \
        title 'exhaustive, exact'

set title 'teacher samples'
set xlabel 'teacher samples, the certificate''s included (log scale)'
plot f('gls') using 2:4 with linespoints lw 2 pt 7 ps 1.4 lc rgb cg \
        title 'gls (GLS2), certified; labels: --eps', \
     '' using 2:4:5 with labels offset 0,1.2 font ',9' tc rgb cg notitle, \
     '' using 2:(fl($3)) with linespoints lw 1 dt 3 pt 6 ps 1.4 lc rgb cg \
        title 'gls, exact', \
     f('spectral') using 2:4 with linespoints lw 2 dt 2 pt 5 ps 1.2 lc rgb cs \
        title 'spectral (baseline), certified; labels: --spanner-n', \
     '' using 2:4:5 with labels offset 0,-1.2 font ',9' tc rgb cs notitle, \
     '' using 2:(fl($3)) with linespoints lw 1 dt 3 pt 4 ps 1.2 lc rgb cs \
        title 'spectral, exact', \
     f('exhaustive') using 2:4 with points pt 9 ps 2 lc rgb ce \
        title 'exhaustive (baseline), certified', \
     '' using 2:(fl($3)) with points pt 8 ps 2 lc rgb ce \
        title 'exhaustive, exact'

unset multiplot
