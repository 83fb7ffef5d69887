package social.fedimon.server.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.stereotype.Component;

/** The downloader for backup links, as this platform is configured. */
@Component
public class LinkDownloads {

  private final LinkDownloader downloader;

  LinkDownloads(BackupProperties properties) {
    this.downloader =
        new LinkDownloader(
            new AddressRules(
                properties.allowAddresses().stream()
                    .filter(a -> !a.isBlank())
                    .map(AddressRules.Cidr::parse)
                    .toList()),
            properties.allowHttp(),
            properties.maxBytes(),
            properties.downloadTimeout(),
            ssl(properties));
  }

  public LinkDownloader downloader() {
    return downloader;
  }

  private static @org.jspecify.annotations.Nullable SSLContext ssl(BackupProperties properties) {
    if (properties.trustStore() == null) {
      return null;
    }
    try (InputStream in = Files.newInputStream(properties.trustStore())) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      char[] password =
          properties.trustStorePassword() == null
              ? new char[0]
              : properties.trustStorePassword().toCharArray();
      store.load(in, password);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "FEDIMON_BACKUP_TRUST_STORE cannot be read: " + e.getMessage(), e);
    }
  }
}
