/** The smallest valid rewind.yaml: one local environment on the releases driver. */
export const MINIMAL_CONFIG = `app: shop
environments:
  production:
    driver: releases
    releases:
      path: ./srv
      source: { dir: "./build/{version}" }
`;
