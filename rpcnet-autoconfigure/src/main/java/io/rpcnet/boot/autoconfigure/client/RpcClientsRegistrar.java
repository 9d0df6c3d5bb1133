package io.rpcnet.boot.autoconfigure.client;

import io.rpcnet.boot.annotation.EnableRpcClients;
import io.rpcnet.boot.annotation.RpcClient;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Registers a proxy bean for every {@link RpcClient} interface found in the packages named by
 * {@link EnableRpcClients} (or, via {@link AutoConfiguredRpcClientsRegistrar}, the application's packages).
 */
public class RpcClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {

    private Environment environment;
    private ResourceLoader resourceLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setResourceLoader(ResourceLoader resourceLoader) {
        this.resourceLoader = resourceLoader;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        AnnotationAttributes attributes = AnnotationAttributes.fromMap(
                metadata.getAnnotationAttributes(EnableRpcClients.class.getName()));
        Set<String> packages = new LinkedHashSet<>();
        if (attributes != null) {
            for (String p : attributes.getStringArray("basePackages")) {
                packages.add(p);
            }
            for (Class<?> c : attributes.getClassArray("basePackageClasses")) {
                packages.add(c.getPackageName());
            }
            for (Class<?> c : attributes.getClassArray("clients")) {
                register(registry, c.getName());
            }
            if (packages.isEmpty() && attributes.getClassArray("clients").length == 0) {
                packages.add(ClassUtils.getPackageName(metadata.getClassName()));
            }
        }
        scan(registry, packages);
    }

    void scan(BeanDefinitionRegistry registry, Collection<String> packages) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
                environment) {
            @Override
            protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
                return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
            }
        };
        if (resourceLoader != null) {
            scanner.setResourceLoader(resourceLoader);
        }
        scanner.addIncludeFilter(new AnnotationTypeFilter(RpcClient.class));
        for (String pkg : packages) {
            for (BeanDefinition candidate : scanner.findCandidateComponents(pkg)) {
                register(registry, candidate.getBeanClassName());
            }
        }
    }

    static void register(BeanDefinitionRegistry registry, String interfaceName) {
        String beanName = interfaceName + ".RpcClient";
        if (registry.containsBeanDefinition(beanName)) {
            return;
        }
        Class<?> type;
        try {
            type = ClassUtils.forName(interfaceName, RpcClientsRegistrar.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot load @RpcClient interface " + interfaceName, e);
        }
        AbstractBeanDefinition definition = BeanDefinitionBuilder.genericBeanDefinition(RpcClientFactoryBean.class)
                .addConstructorArgValue(type)
                .getBeanDefinition();
        definition.setAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE, type);
        RpcClient annotation = type.getAnnotation(RpcClient.class);
        definition.setPrimary(annotation == null || annotation.primary());
        registry.registerBeanDefinition(beanName, definition);
    }
}
