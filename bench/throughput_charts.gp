# The charts of bench/throughput.sh --charts DIR, drawn from the TSV files it writes there:
#   gnuplot -e "dir='DIR'" bench/throughput_charts.gp
# indexing.tsv    input, then docs/s per engine          -> throughput-docs-per-s.svg
# index-size.tsv  input, then index MB per engine        -> throughput-index-size.svg
# latency.tsv     set, then p50, then p95 ms per engine   -> throughput-latency-p50.svg,
#                                                           throughput-latency-p95.svg
# A "-" in the data is a missing value (engine skipped or failed): no bar.
if (!exists("dir")) dir = "."

set datafile separator "\t"
set datafile missing "-"
set terminal svg size 900,460 dynamic font "sans,13" background "white"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside right top vertical noenhanced
set grid ytics
set xtics noenhanced nomirror
set ytics nomirror
set border 3

# One colour per engine, the same in every chart.
set linetype 1 lc rgb "#1b6ac9"
set linetype 2 lc rgb "#7fb2ee"
set linetype 3 lc rgb "#e08a1e"
set linetype 4 lc rgb "#3a9a4b"
set linetype 5 lc rgb "#a64ca6"
set linetype 6 lc rgb "#8c8c8c"
set linetype 7 lc rgb "#c8c8c8"

set output dir."/throughput-docs-per-s.svg"
set title "Indexing: documents per second (higher is faster)"
set ylabel "docs/s"
set yrange [0:*]
# Columns 2-6: lupe, xapian-baseline, Lucene++, Sphinx, SQLite FTS5; colours 1, 3-6.
plot dir."/indexing.tsv" using 2:xtic(1) title columnheader(2) lt 1, \
     "" using 3 title columnheader(3) lt 3, \
     "" using 4 title columnheader(4) lt 4, \
     "" using 5 title columnheader(5) lt 5, \
     "" using 6 title columnheader(6) lt 6

set output dir."/throughput-index-size.svg"
set title "Index size on disk (MB, lower is smaller)"
set ylabel "MB"
plot dir."/index-size.tsv" using 2:xtic(1) title columnheader(2) lt 1, \
     "" using 3 title columnheader(3) lt 2, \
     "" using 4 title columnheader(4) lt 3, \
     "" using 5 title columnheader(5) lt 4, \
     "" using 6 title columnheader(6) lt 5, \
     "" using 7 title columnheader(7) lt 6, \
     "" using 8 title columnheader(8) lt 7

set logscale y
set yrange [0.01:*]
set xtics rotate by -20
set ylabel "ms (log scale)"
set output dir."/throughput-latency-p50.svg"
set title "Query latency, median (top 10, one thread; Sphinx: client side over loopback)"
plot dir."/latency.tsv" using 2:xtic(1) title columnheader(2) lt 1, \
     "" using 3 title columnheader(3) lt 3, \
     "" using 4 title columnheader(4) lt 4, \
     "" using 5 title columnheader(5) lt 5, \
     "" using 6 title columnheader(6) lt 6

set output dir."/throughput-latency-p95.svg"
set title "Query latency, 95th percentile (top 10, one thread; Sphinx: client side over loopback)"
plot dir."/latency.tsv" using 7:xtic(1) title columnheader(7) lt 1, \
     "" using 8 title columnheader(8) lt 3, \
     "" using 9 title columnheader(9) lt 4, \
     "" using 10 title columnheader(10) lt 5, \
     "" using 11 title columnheader(11) lt 6
