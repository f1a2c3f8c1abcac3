-- Reserved for running several processes, which needed no schema change: migrations take an advisory lock (docs/decisions/0052).
SELECT 1;
