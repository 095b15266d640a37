"""Where: events geocoded with an offline GeoNames gazetteer."""
