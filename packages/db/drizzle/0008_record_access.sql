-- Reserved for record access, which needed no schema change: the rule lives in core (docs/decisions/0010).
SELECT 1;
