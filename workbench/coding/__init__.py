"""The domain core: tables, project store, codebooks, bands, codings, agreement. No Qt here."""
