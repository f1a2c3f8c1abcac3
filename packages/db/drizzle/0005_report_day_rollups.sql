-- Day-level report rollups (hotspot activity, safeguarding concerns): filled in by the rollup work.
select 1;
