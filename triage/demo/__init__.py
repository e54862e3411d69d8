"""The demo estate: a seeded ASFF findings generator and a seeder for the moto server."""
