"""What the evidence sources share, below all of them: the limits on what people send
(``limits``), the base of their forms (``forms``) and the demo region's helpers (``demo``).
Nothing here knows any one source."""
