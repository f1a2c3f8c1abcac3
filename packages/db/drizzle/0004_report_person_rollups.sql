-- Person-level report rollups (funnel days, episode facts): filled in by the rollup work.
select 1;
