"""Body extraction: trafilatura pass, tree rules, paragraph rules, embedded HTML."""
