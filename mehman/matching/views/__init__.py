"""The matching pages: the review queue and its pairs (``pairs``), runs across the registry
(``runs``), and the evidence in words (``evidence``, shared with the API)."""
