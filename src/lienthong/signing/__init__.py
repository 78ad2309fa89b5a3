"""Digital signatures: the one signing service (PAdES with the Decree 30/2020 appearance) and public verification."""
