"""FEBRL 4 on a sample: the engine beats a modest floor (the full figures are `divert bench linkage`)."""

from divert.records.linkage import bench


def test_febrl4_sample_links_accurately():
    figures = bench.bench_febrl4(sample=400, u_pairs=2e5)
    assert figures["true_links"] == 400
    assert figures["f1"] >= 0.9
    assert figures["precision"] >= 0.95
    assert figures["f1"] > figures["baseline_exact_name_dob"]["f1"]
