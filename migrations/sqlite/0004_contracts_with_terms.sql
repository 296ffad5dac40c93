-- The contracts whose own terms override the creditor's policy: few, and
-- looked up by organization when the aging report computes updated amounts.
CREATE INDEX contracts_with_terms ON contracts (org_id) WHERE terms IS NOT NULL;
