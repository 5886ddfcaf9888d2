"""Grading past one machine: a content-keyed journal of results, shards that need no
scheduler (``--shard I/N`` and ``grader merge``), and dask.distributed clusters
(``--cluster local:N | tcp://... | tls://... | slurm``).

Every grading still happens in a grading process of today's engine (zygote, sandbox,
hidden suites); this package only decides where, keeps what came back, and writes the
outputs on the client, byte for byte as ``--jobs 1`` would. See docs/cluster.md.
"""
