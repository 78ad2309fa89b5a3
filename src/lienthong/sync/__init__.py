"""The sync campaign: sync runs against the population source, review queue, worklists to communes
and police, the province dashboard and the export for VNFishbase."""
