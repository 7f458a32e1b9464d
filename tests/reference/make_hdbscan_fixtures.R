# HDBSCAN reference fixtures from R's dbscan package (Debian 12: r-cran-dbscan 1.1-11).
# Run from the repository root:  Rscript tests/reference/make_hdbscan_fixtures.R
# Writes tests/NetLearn.Core.Tests/Fixtures/unsupervised/hdbscan.json.
#
# Conventions: R's minPts is both the minimum cluster size and the k of the core distance, the point itself counted
# (coredist = distance to the (minPts-1)-th other point), so it equals NetLearn's/scikit-learn's
# min_cluster_size = min_samples = minPts. R numbers clusters 1..k with 0 for noise; NetLearn uses -1 for noise and
# numbers clusters in condensed-tree order, so the tests compare labels up to a permutation.
# R's membership_prob is a core-distance ratio (not scikit-learn's lambda ratio) and is not used.
suppressPackageStartupMessages(library(dbscan))
library(jsonlite)

set.seed(20131)
blob <- function(n, centre, sd) cbind(rnorm(n, centre[1], sd), rnorm(n, centre[2], sd))
blobs2d <- rbind(
  blob(60, c(0, 0), 0.30),
  blob(50, c(4, 4), 0.60),
  blob(40, c(-3, 5), 0.15),
  cbind(runif(15, -6, 8), runif(15, -3, 9)))

set.seed(4711)
centres <- matrix(rnorm(4 * 5, 0, 6), nrow = 4)
blobs5d <- do.call(rbind, lapply(1:4, function(i) matrix(rnorm(40 * 5, 0, 0.4 * i), ncol = 5) + matrix(centres[i, ], 40, 5, byrow = TRUE)))
blobs5d <- rbind(blobs5d, matrix(runif(10 * 5, -12, 12), ncol = 5))

data(moons)
moons <- as.matrix(moons)

case <- function(name, x, minPts) {
  h <- hdbscan(x, minPts = minPts)
  list(
    name = name,
    data = name,
    min_pts = minPts,
    labels = h$cluster,
    core_distances = h$coredist,
    merge_heights = sort(h$hc$height),
    outlier_scores = h$outlier_scores)
}

fixture <- list(
  source = paste("R", getRversion(), "dbscan", as.character(packageVersion("dbscan"))),
  data = list(blobs2d = blobs2d, blobs5d = blobs5d, moons = moons),
  cases = list(
    case("blobs2d", blobs2d, 5),
    case("blobs2d", blobs2d, 10),
    case("blobs2d", blobs2d, 25),
    case("blobs5d", blobs5d, 8),
    case("moons", moons, 5),
    case("moons", moons, 12)))

write_json(fixture, "tests/NetLearn.Core.Tests/Fixtures/unsupervised/hdbscan.json", digits = NA, auto_unbox = TRUE)
