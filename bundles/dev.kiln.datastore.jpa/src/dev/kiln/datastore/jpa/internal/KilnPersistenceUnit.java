package dev.kiln.datastore.jpa.internal;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.ClassTransformer;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.PersistenceUnitTransactionType;

import dev.kiln.datastore.jpa.internal.model.AgentEntity;
import dev.kiln.datastore.jpa.internal.model.AgentPasswordEntity;
import dev.kiln.datastore.jpa.internal.model.BuildEntity;
import dev.kiln.datastore.jpa.internal.model.DerivationEntity;
import dev.kiln.datastore.jpa.internal.model.EventCursorEntity;
import dev.kiln.datastore.jpa.internal.model.EventEntity;
import dev.kiln.datastore.jpa.internal.model.InputRow;
import dev.kiln.datastore.jpa.internal.model.OutputRow;
import dev.kiln.datastore.jpa.internal.model.SetupFailureEntity;
import dev.kiln.datastore.jpa.internal.model.StoredPathEntity;
import dev.kiln.datastore.jpa.internal.model.TagRow;

/**
 * The persistence unit, described in code rather than in {@code persistence.xml}: no scanning, no container, the
 * entities listed here, connections from our pool, the bundle's own class loader (there is no context class loader
 * to rely on in OSGi).
 */
final class KilnPersistenceUnit implements PersistenceUnitInfo {

    static final String NAME = "kiln";

    private static final List<Class<?>> MANAGED = List.of(DerivationEntity.class, BuildEntity.class,
            AgentEntity.class, AgentPasswordEntity.class, StoredPathEntity.class, SetupFailureEntity.class,
            EventEntity.class, EventCursorEntity.class, TagRow.class, OutputRow.class, InputRow.class);

    private final DataSource dataSource;
    private final ClassLoader classLoader;

    KilnPersistenceUnit(DataSource dataSource) {
        this.dataSource = dataSource;
        this.classLoader = KilnPersistenceUnit.class.getClassLoader();
    }

    @Override
    public String getPersistenceUnitName() {
        return NAME;
    }

    @Override
    public String getPersistenceProviderClassName() {
        return "org.eclipse.persistence.jpa.PersistenceProvider";
    }

    @Override
    public String getScopeAnnotationName() {
        return null;
    }

    @Override
    public List<String> getQualifierAnnotationNames() {
        return List.of();
    }

    @Override
    @SuppressWarnings({"deprecation", "removal"})
    public PersistenceUnitTransactionType getTransactionType() {
        return PersistenceUnitTransactionType.RESOURCE_LOCAL;
    }

    @Override
    public DataSource getJtaDataSource() {
        return null;
    }

    @Override
    public DataSource getNonJtaDataSource() {
        return dataSource;
    }

    @Override
    public List<String> getMappingFileNames() {
        return List.of();
    }

    @Override
    public List<URL> getJarFileUrls() {
        return List.of();
    }

    /** EclipseLink names the unit after its root; nothing is scanned there since every class is listed. */
    @Override
    public URL getPersistenceUnitRootUrl() {
        CodeSource source = KilnPersistenceUnit.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            return source.getLocation();
        }
        try {
            return URI.create("file:/" + NAME + "/").toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<String> getManagedClassNames() {
        return MANAGED.stream().map(Class::getName).toList();
    }

    @Override
    public boolean excludeUnlistedClasses() {
        return true;
    }

    @Override
    public SharedCacheMode getSharedCacheMode() {
        return SharedCacheMode.NONE;
    }

    @Override
    public ValidationMode getValidationMode() {
        return ValidationMode.NONE;
    }

    @Override
    public Properties getProperties() {
        return new Properties();
    }

    @Override
    public String getPersistenceXMLSchemaVersion() {
        return "3.2";
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public void addTransformer(ClassTransformer transformer) {
        // Weaving is off: entities are used as compiled.
    }

    @Override
    public ClassLoader getNewTempClassLoader() {
        return classLoader;
    }
}
